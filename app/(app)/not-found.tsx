import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/display";
import { EmptyState } from "@/components/ui/states";

/** A missing page, or an admin page for a member: a 404 inside the shell, so the way back is right there. */
export default function SectionNotFound() {
  return (
    <div className="mx-auto w-full max-w-5xl px-4 py-10 md:px-8">
      <Card>
        <EmptyState
          title="This page does not exist"
          description="The link may be old, or the page may be for administrators only."
          action={
            <Link href="/inbox" className={buttonClasses({ variant: "secondary" })}>
              Go to the inbox
            </Link>
          }
        />
      </Card>
    </div>
  );
}
