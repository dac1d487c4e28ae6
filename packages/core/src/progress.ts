/** A progress event from any long-running job; the CLI renders these, tests collect them. */
export interface ProgressEvent {
  /** What is being counted, in the user's words: "plays", "pages", "epochs". */
  unit: string;
  done: number;
  total?: number;
  /** Short free text: the current file, a wait for a rate limit. */
  message?: string;
}

export type ProgressFn = (event: ProgressEvent) => void;

export const noProgress: ProgressFn = () => {};
