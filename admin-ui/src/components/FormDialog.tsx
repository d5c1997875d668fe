/** A dialog holding one form, with Cancel and submit buttons in its footer and the submit error on top. */
import type { FormEvent, ReactNode } from 'react';
import { Dialog, type DialogProps } from './Dialog.js';
import { ErrorAlert } from './Feedback.js';

export interface FormDialogProps extends Omit<DialogProps, 'footer' | 'variant'> {
  /** The form's id, which ties the footer's submit button to it. */
  formId: string;
  onSubmit(event: FormEvent): void;
  submitLabel: ReactNode;
  /** The submit button is disabled while busy, and whenever `disabled` is set. */
  busy?: boolean;
  disabled?: boolean;
  tone?: 'primary' | 'danger';
  /** Shown at the top of the form when `errorTitle` is given. */
  error?: unknown;
  errorTitle?: string;
  /** Leave field checks to the form's own submit handler. */
  noValidate?: boolean;
}

export function FormDialog({
  formId,
  onSubmit,
  submitLabel,
  busy,
  disabled,
  tone = 'primary',
  error,
  errorTitle,
  noValidate = true,
  children,
  ...dialog
}: FormDialogProps) {
  return (
    <Dialog
      {...dialog}
      footer={
        <>
          <button type="button" className="btn" onClick={dialog.onClose}>
            Cancel
          </button>
          <button
            type="submit"
            form={formId}
            className={tone === 'danger' ? 'btn btn-danger' : 'btn btn-primary'}
            disabled={busy || disabled}
          >
            {submitLabel}
          </button>
        </>
      }
    >
      <form id={formId} className="stack" onSubmit={onSubmit} noValidate={noValidate}>
        {errorTitle && <ErrorAlert error={error} title={errorTitle} />}
        {children}
      </form>
    </Dialog>
  );
}
