/** Exit codes of every `dangan` command. */
export const EXIT = {
  /** Done, nothing wrong found. */
  ok: 0,
  /** A finding, or invalid input (an invalid code, a failed check). */
  finding: 1,
  /** The command was used wrongly (unknown option, missing argument). */
  usage: 2,
} as const;
