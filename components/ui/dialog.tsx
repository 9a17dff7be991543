"use client";

import { useEffect, useId, useRef, type FormEvent, type KeyboardEvent, type ReactNode, type RefObject } from "react";
import { cx } from "@/components/ui/cx";
import { Button, IconButton, type ButtonVariant } from "@/components/ui/button";
import { AlertIcon, XIcon } from "@/components/ui/icons";

const FOCUSABLE = 'a[href],button:not([disabled]),input:not([disabled]):not([type="hidden"]),select:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.getClientRects().length > 0);
}

export type ModalProps = {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  /** Keeps the title for screen readers but does not show it. */
  hideTitle?: boolean;
  /** The element to focus on open; otherwise the first [autofocus] or focusable element. */
  initialFocus?: RefObject<HTMLElement | null>;
  size?: "sm" | "md" | "lg";
  className?: string;
};

type Placement = "center" | "bottom" | "right" | "left" | "top";

const PLACEMENT: Record<Placement, string> = {
  center: "m-auto w-[calc(100%-2rem)] rounded-2xl",
  top: "mx-auto mt-[12vh] mb-auto w-[calc(100%-2rem)] rounded-2xl",
  bottom: "mx-0 mt-auto mb-0 w-full max-w-none rounded-t-2xl animate-sheet-up pb-[env(safe-area-inset-bottom)]",
  right: "my-0 mr-0 ml-auto h-full max-h-none w-[min(28rem,100%)]",
  left: "my-0 ml-0 mr-auto h-full max-h-none w-[min(20rem,85%)]",
};

const SIZES = { sm: "sm:max-w-sm", md: "sm:max-w-lg", lg: "sm:max-w-2xl" };

/**
 * A modal on the native <dialog> element: showModal() makes the rest of the
 * page inert, Esc closes it (through onClose, so the owner stays in charge),
 * Tab cycles inside it, a click on the backdrop closes it, and focus returns
 * to where it was when it closes.
 */
function Modal({ open, onClose, title, description, children, footer, hideTitle, initialFocus, size = "md", className, placement }: ModalProps & { placement: Placement }) {
  if (!open) return null;
  return (
    <ModalOpen onClose={onClose} title={title} description={description} footer={footer} hideTitle={hideTitle} initialFocus={initialFocus} size={size} className={className} placement={placement}>
      {children}
    </ModalOpen>
  );
}

function ModalOpen({ onClose, title, description, children, footer, hideTitle, initialFocus, size = "md", className, placement }: Omit<ModalProps, "open"> & { placement: Placement }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    const target = initialFocus?.current ?? dialog.querySelector<HTMLElement>("[autofocus]") ?? focusables(dialog).find((el) => !el.dataset.modalClose) ?? dialog;
    target.focus();
    const onCancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener("cancel", onCancel);
    return () => {
      dialog.removeEventListener("cancel", onCancel);
      if (dialog.open) dialog.close();
      if (previous?.isConnected) previous.focus();
    };
  }, [initialFocus]);

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== "Tab" || !ref.current) return;
    const items = focusables(ref.current);
    if (items.length === 0) {
      event.preventDefault();
      return;
    }
    const first = items[0]!;
    const last = items[items.length - 1]!;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  const panelPadding = placement === "center" || placement === "top";
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onKeyDown={onKeyDown}
      onMouseDown={(event) => {
        if (event.target === ref.current) onClose();
      }}
      className={cx(
        "max-h-[calc(100dvh-2rem)] overflow-hidden border border-slate-200 bg-white p-0 text-slate-900 shadow-2xl outline-none dark:border-slate-800 dark:bg-slate-900 dark:text-slate-100",
        PLACEMENT[placement],
        panelPadding && SIZES[size],
        className,
      )}
    >
      <div className="flex max-h-[inherit] flex-col">
        <div className={cx("flex items-start gap-3 px-5 pt-5", hideTitle && "sr-only")}>
          <div className="min-w-0 flex-1">
            <h2 id={titleId} className="text-lg font-semibold leading-6">
              {title}
            </h2>
            {description ? (
              <p id={descriptionId} className="mt-1 text-sm text-slate-600 dark:text-slate-400">
                {description}
              </p>
            ) : null}
          </div>
          <IconButton label="Close" size="sm" data-modal-close="true" onClick={onClose} className="-mr-2 -mt-1">
            <XIcon className="size-4" />
          </IconButton>
        </div>
        <div className={cx("min-h-0 flex-1 overflow-y-auto", hideTitle ? "" : "px-5 pb-5 pt-4")}>{children}</div>
        {footer ? <div className="flex flex-wrap-reverse justify-end gap-2 border-t border-slate-200 bg-slate-50 px-5 py-3 dark:border-slate-800 dark:bg-slate-950/40">{footer}</div> : null}
      </div>
    </dialog>
  );
}

/** A centred modal dialog. */
export function Dialog(props: ModalProps & { position?: "center" | "top" }) {
  return <Modal {...props} placement={props.position ?? "center"} />;
}

/** A panel that slides in from an edge: a bottom sheet on phones, a side drawer on desktop. */
export function Sheet({ side = "bottom", ...props }: ModalProps & { side?: "bottom" | "right" | "left" }) {
  return <Modal {...props} placement={side} />;
}

/** Asks before something that cannot be undone. */
export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  description,
  confirmLabel,
  busy = false,
  tone = "danger",
}: {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  tone?: "danger" | "primary";
}) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      size="sm"
      initialFocus={cancelRef}
      footer={
        <>
          <Button ref={cancelRef} variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant={tone} loading={busy} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <div className="text-sm text-slate-600 dark:text-slate-400">{description}</div>
    </Dialog>
  );
}

/** A form's own error (not a field's), announced as an alert. */
export function FormError({ children }: { children: ReactNode }) {
  return (
    <p role="alert" className="flex gap-2 rounded-lg bg-red-50 p-3 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
      <AlertIcon className="size-5 shrink-0" />
      <span>{children}</span>
    </p>
  );
}

/**
 * A dialog around one form: Cancel and the submit button in the footer (the
 * button submits the form by its id, so Enter in a field submits too), and
 * the form's own error, if any, as an alert at its top.
 */
export function FormDialog({
  formId,
  onSubmit,
  submitLabel,
  submitVariant = "primary",
  pending,
  submitDisabled = false,
  formError,
  formClassName = "space-y-4",
  noValidate = true,
  children,
  ...modal
}: Omit<ModalProps, "footer"> & {
  formId: string;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  submitLabel: ReactNode;
  submitVariant?: Extract<ButtonVariant, "primary" | "danger">;
  pending: boolean;
  submitDisabled?: boolean;
  formError?: ReactNode;
  formClassName?: string;
  /** False leaves the browser's own checks (required, type) on. */
  noValidate?: boolean;
}) {
  return (
    <Dialog
      {...modal}
      footer={
        <>
          <Button variant="secondary" onClick={modal.onClose}>
            Cancel
          </Button>
          <Button type="submit" form={formId} variant={submitVariant} loading={pending} disabled={submitDisabled}>
            {submitLabel}
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={onSubmit} noValidate={noValidate} className={formClassName}>
        {formError ? <FormError>{formError}</FormError> : null}
        {children}
      </form>
    </Dialog>
  );
}
