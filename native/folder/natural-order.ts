// Natural name order (page2 before page10), as operators expect scan files to sort. Intl.Collator with
// `numeric` does exactly this, across Chinese and Latin names alike.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
