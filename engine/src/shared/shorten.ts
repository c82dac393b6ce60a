/** At most `max` characters of `text`, marked with an ellipsis when cut: for echoing input back in a message. */
export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
