/**
 * An `<option>` whose selectedness is set from the state on every render, compared with the
 * live DOM: a `selected` attribute stops moving an option once a person has picked another one
 * (the option's "dirtiness"), so a menu could show a choice its cell no longer holds.
 *
 * @example
 *   html`<select @change=${onChange}>${FILLS.map((f) => choiceOption(f, labelOf(f), config.fill))}</select>`
 */
import { html } from 'lit';
import { live } from 'lit/directives/live.js';

export const choiceOption = (value: string, label: string, current: unknown) =>
  html`<option value=${value} .selected=${live(value === current)}>${label}</option>`;
