/** Writes a duration for messages: whole seconds from ten seconds up, milliseconds below. */
export function describeDuration(ms: number): string {
  return Math.abs(ms) >= 10_000 ? `${Math.round(ms / 1_000)} s` : `${Math.round(ms)} ms`;
}
