import { Skeleton, SkeletonList } from "@/components/ui/spinner";

/** Shown at once on navigation while the next section renders on the server. */
export default function Loading() {
  return (
    <div className="mx-auto w-full max-w-5xl px-4 py-6 md:px-8 md:py-8">
      <Skeleton className="h-7 w-40" />
      <Skeleton className="mt-2 h-4 w-72 max-w-full" />
      <div className="mt-8">
        <SkeletonList rows={5} />
      </div>
    </div>
  );
}
