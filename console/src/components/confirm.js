// A confirmation before any change: a native modal <dialog> (focus is trapped, Esc cancels).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';

let dialogs = 0; // each dialog's title needs its own id on the page

/**
 * Renders a button labelled `label`; activating it opens a dialog showing `message` and, on
 * "Confirm", awaits `action()`. An error from the action is shown in the dialog.
 */
export function ConfirmButton({ label, title, message, action, confirmLabel = 'Confirm', disabled }) {
  const ref = useRef();
  const titleId = useMemo(() => `confirm-title-${++dialogs}`, []);
  const [state, setState] = useState({ busy: false, error: undefined });
  useEffect(() => {
    if (state.open) ref.current?.showModal();
  }, [state.open]);
  const close = () => {
    ref.current?.close();
    setState({ busy: false, error: undefined, open: false });
  };
  const confirm = async () => {
    setState((s) => ({ ...s, busy: true, error: undefined }));
    try {
      await action();
      close();
    } catch (error) {
      setState((s) => ({ ...s, busy: false, error: error.message }));
    }
  };
  return html`<button type="button" disabled=${disabled} onClick=${() => setState({ open: true })}>
      ${label}
    </button>
    <dialog ref=${ref} aria-labelledby=${titleId} onClose=${() => state.open && close()}>
      <h2 id=${titleId}>${title ?? label}</h2>
      <p>${message}</p>
      ${state.error && html`<p class="error" role="alert">${state.error}</p>`}
      <div class="dialog-actions">
        <button type="button" onClick=${close}>Cancel</button>
        <button type="button" class="primary" disabled=${state.busy} onClick=${confirm}>
          ${confirmLabel}
        </button>
      </div>
    </dialog>`;
}
