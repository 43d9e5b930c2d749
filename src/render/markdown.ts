/** Small Markdown helpers that keep user-supplied text from breaking or injecting markup. */

/** Text safe inside a table cell or a paragraph: no HTML, no cell breaks, no line breaks. */
export function escapeText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

/** An inline code span; backticks inside are replaced so the span cannot be closed early. */
export function code(s: string): string {
  return '`' + s.replace(/`/g, "'").replace(/\r?\n/g, ' ').replace(/\|/g, '\\|') + '`';
}

/** Appends blocks while they fit in a character budget, counting what did not fit. */
export class BudgetedText {
  private readonly parts: string[] = [];
  private used = 0;
  readonly cut = new Map<string, number>();

  constructor(private readonly budget: number) {}

  /** Add a block if it fits whole; otherwise count it under `label`. Returns whether it was added. */
  add(block: string, label = 'sections'): boolean {
    if (this.used + block.length + 1 > this.budget) {
      this.cut.set(label, (this.cut.get(label) ?? 0) + 1);
      return false;
    }
    this.parts.push(block);
    this.used += block.length + 1;
    return true;
  }

  /** Add lines one by one while they fit; the rest are counted under `label`. */
  addLines(lines: readonly string[], label: string): void {
    for (let i = 0; i < lines.length; i++) {
      if (!this.add(lines[i]!, label)) {
        this.cut.set(label, (this.cut.get(label) ?? 0) + (lines.length - i - 1));
        return;
      }
    }
  }

  /**
   * The text, with a closing note on what was cut (and where the rest is) when anything was, never
   * longer than `max` characters.
   */
  finish(max: number, elsewhere: string): string {
    let text = this.toString();
    if (this.cut.size > 0) {
      const what = [...this.cut].map(([label, n]) => `${n} ${label}`).join(', ');
      text += `\n\n> ✂️ Cut to stay under ${max.toLocaleString('en-US')} characters: ${what} not shown.${elsewhere}`;
    }
    return text.length <= max ? text : text.slice(0, max);
  }

  get length(): number {
    return this.used;
  }

  toString(): string {
    return this.parts.join('\n');
  }
}
