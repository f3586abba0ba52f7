// The PromQL expression editor: a textarea under a highlighted mirror, with a completion list.
// Keys: Enter runs the query, Shift+Enter adds a line, Ctrl+Space opens completions,
// Up/Down choose, Enter/Tab accept, Escape closes.
import { h } from './dom.js';
import { highlight, completionContext } from './promql.js';

let editorCount = 0;

export class Editor {
  /**
   * @param {object} options value, placeholder, onExecute(), onChange(text),
   *   complete(context) → Promise<[{label, kind, insert, caretOffset}]>
   */
  constructor(options) {
    this.options = options;
    this.id = 'editor-' + (++editorCount);
    this.mirror = h('pre', { 'aria-hidden': 'true' });
    this.input = h('textarea', {
      class: 'code', spellcheck: false, autocapitalize: 'off', autocomplete: 'off', rows: 1,
      placeholder: options.placeholder || 'Expression (press Enter to run, Ctrl+Space for completions)',
      'aria-label': 'PromQL expression', role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
      'aria-controls': this.id + '-list',
    });
    this.list = h('ul', { class: 'completions', id: this.id + '-list', role: 'listbox', hidden: true });
    this.element = h('div', { class: 'editor' }, this.mirror, this.input, this.list);
    this.items = [];
    this.selected = 0;
    this.request = 0;
    this.input.value = options.value || '';
    this.input.addEventListener('input', () => this.onInput());
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    this.input.addEventListener('click', () => this.close());
    this.render();
  }

  get value() { return this.input.value; }

  set value(text) {
    this.input.value = text;
    this.render();
  }

  focus() { this.input.focus(); }

  onInput() {
    this.render();
    this.options.onChange?.(this.input.value);
    if (this.accepting) return;
    this.suggest(false);
  }

  render(caret) {
    const text = this.input.value;
    const parts = [];
    for (const token of highlight(text)) {
      const pieces = caret !== undefined && caret > token.from && caret < token.to
        ? [[token.from, caret], [caret, token.to]] : [[token.from, token.to]];
      for (const [from, to] of pieces) {
        if (caret === from) parts.push(this.caretMark());
        const s = text.slice(from, to);
        parts.push(token.cls ? h('span', { class: 'tok-' + token.cls }, s) : s);
      }
    }
    if (caret === text.length) parts.push(this.caretMark());
    // A trailing newline needs a character after it to take up its line in the mirror.
    parts.push('\u200b');
    this.mirror.replaceChildren(...parts);
  }

  caretMark() {
    return h('span', { class: 'caret-mark' });
  }

  /** Where the caret is inside the editor box, from a marker placed in the mirror. */
  caretPosition() {
    this.render(this.input.selectionStart);
    const mark = this.mirror.querySelector('.caret-mark');
    const position = mark ? { left: mark.offsetLeft, top: mark.offsetTop + mark.offsetHeight + 20 } : { left: 8, top: 36 };
    this.render();
    return position;
  }

  onKey(e) {
    const open = !this.list.hidden;
    if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      this.select((this.selected + (e.key === 'ArrowDown' ? 1 : -1) + this.items.length) % this.items.length);
    } else if (open && (e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey) {
      e.preventDefault();
      this.accept(this.items[this.selected]);
    } else if (open && e.key === 'Escape') {
      e.preventDefault();
      this.close();
    } else if (e.key === ' ' && e.ctrlKey) {
      e.preventDefault();
      this.suggest(true);
    } else if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      this.close();
      this.options.onExecute?.();
    }
  }

  async suggest(explicit) {
    const pos = this.input.selectionStart;
    if (pos !== this.input.selectionEnd) return this.close();
    const context = completionContext(this.input.value, pos);
    if (!context || (!explicit && context.kind === 'expr' && context.prefix === '')
        || (!explicit && context.kind === 'keyword' && context.prefix.length < 1)) {
      return this.close();
    }
    const request = ++this.request;
    let items;
    try {
      items = await this.options.complete(context);
    } catch {
      items = [];
    }
    if (request !== this.request || document.activeElement !== this.input) return;
    const prefix = context.prefix.toLowerCase();
    items = items.filter((item) => item.label.toLowerCase().includes(prefix) && item.label !== context.prefix);
    items.sort((a, b) => (b.label.toLowerCase().startsWith(prefix) - a.label.toLowerCase().startsWith(prefix))
      || (a.rank || 0) - (b.rank || 0) || a.label.localeCompare(b.label));
    this.items = items.slice(0, 200);
    this.context = context;
    if (!this.items.length) return this.close();
    this.list.replaceChildren(...this.items.map((item, i) => h('li', {
      role: 'option', id: `${this.id}-opt-${i}`,
      onmousedown: (e) => { e.preventDefault(); this.accept(item); },
    }, h('span', {}, item.label), h('span', { class: 'kind' }, item.kind))));
    const { left, top } = this.caretPosition();
    this.list.style.left = Math.max(0, Math.min(left, this.element.clientWidth - 270)) + 'px';
    this.list.style.top = top + 'px';
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.select(0);
  }

  select(index) {
    this.selected = index;
    this.list.querySelectorAll('li').forEach((li, i) => li.setAttribute('aria-selected', String(i === index)));
    const current = this.list.children[index];
    if (current) {
      current.scrollIntoView({ block: 'nearest' });
      this.input.setAttribute('aria-activedescendant', current.id);
    }
  }

  close() {
    this.request++;
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  accept(item) {
    if (!item) return;
    const context = this.context;
    const pos = this.input.selectionStart;
    let insert = item.insert ?? item.label;
    let to = pos;
    // A value completed inside quotes replaces the partial string and its closing quote, if typed.
    if (context.kind === 'labelValue' && this.input.value[pos] === '"') to = pos + 1;
    this.input.focus();
    this.input.setSelectionRange(context.from, to);
    // execCommand keeps the browser's undo history; setRangeText is the fallback.
    this.accepting = true;
    try {
      if (!document.execCommand('insertText', false, insert)) {
        this.input.setRangeText(insert, context.from, to, 'end');
      }
    } finally {
      this.accepting = false;
    }
    if (item.caretOffset) {
      const at = this.input.selectionStart - item.caretOffset;
      this.input.setSelectionRange(at, at);
    }
    this.close();
    this.render();
    this.options.onChange?.(this.input.value);
  }
}
