import type { ReactElement, ReactNode } from 'react';

export interface Choice<T extends string> {
  id: T;
  label: string;
  hint: string;
}

/**
 * A radio group drawn as cards (label + one-line hint), arrow-key navigable like any radio group.
 * `compact` cards are one line high, for short settings like the theme; `adornment` draws
 * something before the text (e.g. a theme swatch).
 */
export function ChoiceCards<T extends string>({
  name,
  legend,
  showLegend = true,
  options,
  value,
  onChange,
  columns,
  variant = 'card',
  adornment,
}: {
  name: string;
  legend: string;
  /** Hide the legend visually when the card title already says it (it stays for screen readers). */
  showLegend?: boolean;
  options: readonly Choice<T>[];
  value: T;
  onChange: (id: T) => void;
  columns?: 'two';
  variant?: 'card' | 'compact';
  adornment?: (id: T) => ReactNode;
}): ReactElement {
  return (
    <fieldset className="choice-group">
      <legend className={showLegend ? 'field__label' : 'visually-hidden'}>{legend}</legend>
      <div className={columns === 'two' ? 'choice-group__options choice-group__options--two' : 'choice-group__options'}>
        {options.map((option) => (
          <label key={option.id} className={variant === 'card' ? 'choice choice--card' : 'choice'}>
            <input
              type="radio"
              name={name}
              value={option.id}
              checked={value === option.id}
              onChange={() => onChange(option.id)}
              aria-labelledby={`${name}-${option.id}-label`}
              aria-describedby={`${name}-${option.id}-hint`}
            />
            {adornment?.(option.id)}
            <span className="choice__text">
              <span className="choice__label" id={`${name}-${option.id}-label`}>
                {option.label}
              </span>
              <span className={variant === 'card' ? 'choice__summary' : 'choice__hint'} id={`${name}-${option.id}-hint`}>
                {option.hint}
              </span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
