import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  attachmentDisplayName,
  bareContentId,
  cleanDisplayName,
  decodeUuencodedPart,
  enrichedToText,
  extractUuencodedFiles,
  rewriteCidReferences,
  uudecodeLines,
} from '../../src/index.js';

/** Reference uuencoder (the format old clients and `uuencode(1)` produce). */
function uuencode(name: string, data: Buffer): string {
  let out = `begin 644 ${name}\n`;
  for (let i = 0; i < data.length; i += 45) {
    const chunk = data.subarray(i, i + 45);
    let line = String.fromCharCode(32 + chunk.length);
    for (let j = 0; j < chunk.length; j += 3) {
      const a = chunk[j]!;
      const b = chunk[j + 1] ?? 0;
      const c = chunk[j + 2] ?? 0;
      for (const v of [a >> 2, ((a & 3) << 4) | (b >> 4), ((b & 15) << 2) | (c >> 6), c & 63])
        line += v === 0 ? '`' : String.fromCharCode(32 + v);
    }
    out += `${line}\n`;
  }
  return `${out}\`\nend\n`;
}

describe('cleanDisplayName', () => {
  it('keeps the original name in NFC and drops only what is dangerous to display', () => {
    const nfd = 'Erkla\u0308rung.txt';
    assert.equal(cleanDisplayName(nfd), 'Erklärung.txt');
    assert.equal(cleanDisplayName(nfd), 'Erklärung.txt'.normalize('NFC'));
    assert.equal(cleanDisplayName('Rechnung Übersicht (2).pdf'), 'Rechnung Übersicht (2).pdf');
    assert.equal(cleanDisplayName('关于发票.docx'), '关于发票.docx');
    assert.equal(cleanDisplayName('../../etc/passwd'), 'passwd');
    assert.equal(cleanDisplayName('C:\\Users\\x\\report.pdf'), 'report.pdf');
    assert.equal(cleanDisplayName('.htaccess'), 'htaccess');
    assert.equal(cleanDisplayName('evil\u202egnp.exe'), 'evilgnp.exe');
    assert.equal(cleanDisplayName('a\u0000b\r\n.txt'), 'ab.txt');
    assert.equal(cleanDisplayName('..'), '');
    assert.equal(cleanDisplayName(null), '');
  });

  it('shortens very long names to 255 characters, keeping the extension', () => {
    const long = cleanDisplayName(`${'x'.repeat(400)}.pdf`);
    assert.equal(long.length, 255);
    assert.ok(long.endsWith('.pdf'));
  });
});

describe('attachmentDisplayName', () => {
  it('names attached e-mails after their subject and unnamed parts after part number and type', () => {
    const base = { fileName: null, partId: '3', extension: null };
    assert.equal(
      attachmentDisplayName({ ...base, contentType: 'message/rfc822', attachedSubject: 'Angebot Nr. 42 / Kühlgerät' }),
      'Angebot Nr. 42 Kühlgerät.eml',
    );
    assert.equal(
      attachmentDisplayName({ ...base, contentType: 'message/rfc822', attachedSubject: '' }),
      'message-3.eml',
    );
    assert.equal(
      attachmentDisplayName({ ...base, contentType: 'message/rfc822', fileName: 'Weitergeleitet' }),
      'Weitergeleitet.eml',
    );
    assert.equal(
      attachmentDisplayName({ fileName: '', contentType: 'application/pdf', partId: '2', extension: 'pdf' }),
      'part-2.pdf',
    );
    assert.equal(
      attachmentDisplayName({ fileName: undefined, contentType: 'application/x-foo', partId: '1.2', extension: null }),
      'part-1-2',
    );
    assert.equal(
      attachmentDisplayName({
        fileName: 'Erkla\u0308rung.txt',
        contentType: 'text/plain',
        partId: '2',
        extension: 'txt',
      }),
      'Erklärung.txt',
    );
  });
});

describe('uuencode', () => {
  it('decodes blocks inside a text body into files and removes them from the text', () => {
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) % 256));
    const text = `Hello,\n\nthe dump:\n\n${uuencode('dump.bin', data)}\nBye`;
    const { text: rest, files } = extractUuencodedFiles(text);
    assert.equal(files.length, 1);
    assert.equal(files[0]!.fileName, 'dump.bin');
    assert.deepEqual(files[0]!.content, data);
    assert.ok(!rest.includes('begin 644') && rest.includes('the dump:') && rest.includes('Bye'));
  });

  it('leaves a begin without end alone and decodes an x-uuencode part', () => {
    const text = 'begin 644 nothing.txt\nno end here';
    assert.deepEqual(extractUuencodedFiles(text), { text, files: [] });
    const part = decodeUuencodedPart(uuencode('config.ini', Buffer.from('[main]\nretries=3\n')).replace(/\n/g, '\r\n'));
    assert.equal(part?.fileName, 'config.ini');
    assert.equal(part?.content.toString(), '[main]\nretries=3\n');
    assert.deepEqual(uudecodeLines(['#0V%T', '`']), Buffer.from('Cat'));
  });

  it('handles hostile input (many begin lines without end)', () => {
    const hostile = 'begin 644 x\n'.repeat(50_000);
    assert.deepEqual(extractUuencodedFiles(hostile).files, []);
  });
});

describe('enrichedToText', () => {
  it('drops formatting, keeps << as < and folds single line breaks', () => {
    assert.equal(
      enrichedToText('<bold>Urgent:</bold> the <italic>backup</italic>\njob failed.\n\nPlease <<check> it.'),
      'Urgent: the backup job failed.\nPlease <check> it.',
    );
    assert.equal(enrichedToText('<color><param>red</param>Red</color> text'), 'Red text');
    assert.equal(enrichedToText('<nofill>a\nb</nofill>'), 'a\nb');
  });
});

describe('rewriteCidReferences', () => {
  it('points cid: references at the stored attachments, case-insensitively and percent-decoded', () => {
    const urls = new Map([['image001.png@01D9C2A4.5F0B3E10', '/api/email/attachments/abc']]);
    assert.equal(bareContentId(' <image001.png@01D9C2A4.5F0B3E10> '), 'image001.png@01D9C2A4.5F0B3E10');
    assert.equal(
      rewriteCidReferences(
        '<img src="cid:IMAGE001.png@01D9C2A4.5F0B3E10"><img src=\'cid:image001.png%4001D9C2A4.5F0B3E10\'>',
        urls,
      ),
      '<img src="/api/email/attachments/abc"><img src=\'/api/email/attachments/abc\'>',
    );
    assert.equal(rewriteCidReferences('<img src="cid:unknown@x">', urls), '<img src="cid:unknown@x">');
    assert.equal(rewriteCidReferences('text mentioning cid:foo', new Map()), 'text mentioning cid:foo');
  });
});
