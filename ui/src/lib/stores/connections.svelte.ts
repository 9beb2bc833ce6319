// The connections' state and what changes it: the list (saved, sandbox, environment,
// profiles), the one selected, a sign-in in progress, and the notice that says what just
// happened or why it failed. Beside the workbench store, so App.svelte only routes views.
import { api, toAppError } from '../api';
import type { ConnectionsOverview, ConnectionView, SignInStarted } from '../bindings';

export type Notice = { tone: 'error' | 'info'; text: string };

export class Connections {
  overview = $state<ConnectionsOverview | null>(null);
  selected = $state<string | null>(null);
  /** A sign-in waiting for the browser. */
  started = $state<SignInStarted | null>(null);
  busy = $state(false);
  notice = $state<Notice | null>(null);

  /** The selected connection, as last read. */
  readonly current = $derived(this.overview?.connections.find((c) => c.name === this.selected) ?? null);

  find(name: string | null): ConnectionView | null {
    return this.overview?.connections.find((c) => c.name === name) ?? null;
  }

  names(): string[] {
    return this.overview?.connections.map((c) => c.name) ?? [];
  }

  /** Says why something failed (a cancellation is news, not an error). */
  fail(e: unknown) {
    const err = toAppError(e);
    this.notice = { tone: err.kind === 'Cancelled' ? 'info' : 'error', text: err.message };
  }

  say(text: string) {
    this.notice = { tone: 'info', text };
  }

  /** Reads the connections again (the first one is selected when none is). */
  async refresh() {
    try {
      this.overview = await api.overview();
      if (this.selected === null && this.overview.connections.length > 0) this.selected = this.overview.connections[0]!.name;
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * Runs a change to the connections, says it (`said`) or why it failed, then reads them
   * again: the one way every button that changes a connection ends.
   */
  async change(action: () => Promise<unknown>, said?: string): Promise<boolean> {
    let ok = false;
    try {
      await action();
      if (said) this.say(said);
      ok = true;
    } catch (e) {
      this.fail(e);
    }
    await this.refresh();
    return ok;
  }
}
