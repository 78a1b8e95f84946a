import { convert } from 'html-to-text';
import sanitizeHtml from 'sanitize-html';

/** Where a stored e-mail attachment is downloaded; inline images in stored HTML point here. */
export function emailAttachmentUrl(id: string): string {
  return `/api/email/attachments/${id}`;
}

/**
 * Sanitised HTML of an inbound mail: sanitize-html's defaults (no scripts, styles, event handlers or
 * javascript: links) plus `<img>`, but only images whose src is one of `allowedImageSrcs` (this message's own
 * inline parts, already rewritten from cid:). Remote images (trackers) and data: URIs are removed.
 */
export function sanitiseEmailHtml(html: string, allowedImageSrcs: ReadonlySet<string>): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img'],
    allowedAttributes: {
      ...sanitizeHtml.defaults.allowedAttributes,
      img: ['src', 'alt', 'title', 'width', 'height'],
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && !allowedImageSrcs.has(frame.attribs.src ?? ''),
  });
}

/** The words of an HTML body as plain text (for the ticket description / comment body). */
export function htmlToPlainText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
