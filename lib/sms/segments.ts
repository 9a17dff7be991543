/**
 * How many SMS segments a text costs. A text that fits the GSM 03.38
 * alphabet (with its extension table, whose characters take two septets)
 * is sent as GSM-7: 160 septets in one segment, 153 per segment once it is
 * split (the user-data header takes the rest). Anything else is UCS-2:
 * 70 UTF-16 code units in one segment, 67 per segment when split. A
 * character outside the BMP (most emoji) is two code units, and a split
 * never cuts one in half, nor an escape sequence.
 */
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION = "\f^{}\\[~]|€";

const basic = new Set(GSM_BASIC);
const extension = new Set(GSM_EXTENSION);

export type Encoding = "GSM-7" | "UCS-2";
export type SegmentCount = { encoding: Encoding; segments: number; units: number };

export function countSegments(text: string): SegmentCount {
  const chars = [...text];
  if (chars.every((c) => basic.has(c) || extension.has(c))) {
    const widths = chars.map((c) => (extension.has(c) ? 2 : 1));
    return { encoding: "GSM-7", units: sum(widths), segments: split(widths, 160, 153) };
  }
  const widths = chars.map((c) => c.length);
  return { encoding: "UCS-2", units: sum(widths), segments: split(widths, 70, 67) };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Packs characters into segments of `per` units, never splitting one character's units. */
function split(widths: number[], single: number, per: number): number {
  const total = sum(widths);
  if (total === 0) return 1;
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const width of widths) {
    if (used + width > per) {
      segments += 1;
      used = 0;
    }
    used += width;
  }
  return segments;
}
