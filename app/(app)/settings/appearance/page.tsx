import type { Metadata } from "next";
import { ThemeChooser } from "@/components/settings/theme-chooser";
import { Card, CardHeader } from "@/components/ui/display";

export const metadata: Metadata = { title: "Appearance" };

export default function AppearancePage() {
  return (
    <Card>
      <CardHeader title="Theme" description="Saved in this browser. Each browser you use keeps its own choice." />
      <div className="p-4 sm:p-5">
        <ThemeChooser />
      </div>
    </Card>
  );
}
