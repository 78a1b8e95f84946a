/** Hard caps that keep validation cheap whatever a form definition says. */
export const FORM_LIMITS = {
  maxFields: 100,
  keyPattern: /^[A-Za-z][A-Za-z0-9_]{0,63}$/,
  maxLabelLength: 200,
  maxHelpTextLength: 1000,
  maxOptions: 200,
  maxOptionLength: 200,
  /** Longest TEXT / EMAIL / URL / PHONE answer. */
  maxTextLength: 1000,
  /** Longest TEXTAREA answer. */
  maxTextareaLength: 20_000,
  /** Longest pattern source. */
  maxPatternLength: 200,
  maxFilesPerField: 10,
  maxEmailLength: 254,
} as const;
