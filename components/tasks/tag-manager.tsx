"use client";

import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys";
import { Button, IconButton } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Input } from "@/components/ui/field";
import { TrashIcon } from "@/components/ui/icons";
import { useToast } from "@/components/ui/toast";
import * as api from "@/components/tasks/api";
import type { Tag } from "@/components/tasks/api";

/** The tag manager: add, rename, recolour and delete tags; tasks follow on every device. */
export function TagManager({ open, onClose, tags }: { open: boolean; onClose: () => void; tags: Tag[] }) {
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const [name, setName] = useState("");
  const [color, setColor] = useState("#4f46e5");
  const done = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.tasks.tags() });
    void queryClient.invalidateQueries({ queryKey: queryKeys.tasks.lists() });
  };
  const onError = (error: Error) => toast({ title: "Could not change the tag", description: error.message, tone: "error" });
  const create = useMutation({ mutationFn: () => api.createTag({ name, color }), onSuccess: () => (setName(""), done()), onError });
  const update = useMutation({ mutationFn: ({ id, body }: { id: string; body: { name?: string; color?: string } }) => api.updateTag(id, body), onSuccess: done, onError });
  const remove = useMutation({ mutationFn: (id: string) => api.deleteTag(id), onSuccess: done, onError });
  return (
    <Dialog open={open} onClose={onClose} title="Tags" description="Colours show on every task with the tag.">
      <ul aria-label="Tags" className="space-y-2">
        {tags.map((tag) => (
          <li key={tag.id} className="flex items-center gap-2">
            <input type="color" aria-label={`Colour of ${tag.name}`} value={tag.color} onChange={(event) => update.mutate({ id: tag.id, body: { color: event.target.value } })} className="h-9 w-10 shrink-0 cursor-pointer rounded border border-slate-300 bg-transparent dark:border-slate-700" />
            <div className="min-w-0 flex-1">
              <Input
                label={`Name of ${tag.name}`}
                hideLabel
                defaultValue={tag.name}
                onBlur={(event) => {
                  const value = event.target.value.trim();
                  if (value && value !== tag.name) update.mutate({ id: tag.id, body: { name: value } });
                }}
              />
            </div>
            <IconButton label={`Delete ${tag.name}`} onClick={() => remove.mutate(tag.id)}>
              <TrashIcon className="size-4" />
            </IconButton>
          </li>
        ))}
        {tags.length === 0 ? <li className="text-sm text-slate-500 dark:text-slate-400">No tags yet.</li> : null}
      </ul>
      <form
        className="mt-4 flex items-end gap-2 border-t border-slate-200 pt-4 dark:border-slate-800"
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim()) create.mutate();
        }}
      >
        <input type="color" aria-label="Colour of the new tag" value={color} onChange={(event) => setColor(event.target.value)} className="h-10 w-10 shrink-0 cursor-pointer rounded border border-slate-300 bg-transparent dark:border-slate-700" />
        <div className="min-w-0 flex-1">
          <Input label="New tag" value={name} onChange={(event) => setName(event.target.value)} maxLength={50} />
        </div>
        <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
          Add
        </Button>
      </form>
    </Dialog>
  );
}
