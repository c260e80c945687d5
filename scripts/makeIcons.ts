/**
 * Draws the two Teams app icons pixel by pixel, so they can be regenerated without an image editor:
 *   manifest/color.png   192×192, full colour: a #4F52B2 rounded square with a white target (ring + bullseye)
 *   manifest/outline.png  32×32, the same target in white on a transparent background (Teams requires both)
 * Run: npx tsx scripts/makeIcons.ts   (the PNGs are committed; this script is for reproducibility)
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

const ACCENT = [0x4f, 0x52, 0xb2] as const;
const WHITE = [0xff, 0xff, 0xff] as const;
/** Samples per pixel side for anti-aliasing (4×4 = 16 samples). */
const SS = 4;

/** A shape in unit coordinates: (0,0) top-left, (1,1) bottom-right of the canvas. */
type Shape = (x: number, y: number) => boolean;

function roundedSquare(inset: number, radius: number): Shape {
  return (x, y) => {
    const lo = inset + radius;
    const hi = 1 - inset - radius;
    const dx = x < lo ? lo - x : x > hi ? x - hi : 0;
    const dy = y < lo ? lo - y : y > hi ? y - hi : 0;
    if (x < inset || x > 1 - inset || y < inset || y > 1 - inset) return false;
    return dx * dx + dy * dy <= radius * radius;
  };
}

/** The target: a ring and a bullseye, centred. Radii as fractions of the canvas. */
function target(ringOuter: number, ringWidth: number, dot: number): Shape {
  return (x, y) => {
    const r = Math.hypot(x - 0.5, y - 0.5);
    return (r <= ringOuter && r >= ringOuter - ringWidth) || r <= dot;
  };
}

/** Fraction of the pixel (px, py) covered by the shape. */
function coverage(shape: Shape, px: number, py: number, size: number): number {
  let hits = 0;
  for (let i = 0; i < SS; i++) {
    for (let j = 0; j < SS; j++) {
      if (shape((px + (i + 0.5) / SS) / size, (py + (j + 0.5) / SS) / size)) hits++;
    }
  }
  return hits / (SS * SS);
}

/** Paints `mark` in `fg` over an optional `bg` shape in `bgColor`; everything else stays transparent. */
function draw(
  size: number,
  mark: Shape,
  fg: readonly number[],
  bg?: { shape: Shape; color: readonly number[] },
): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const m = coverage(mark, x, y, size);
      const b = bg ? coverage(bg.shape, x, y, size) : 0;
      const alpha = m + b * (1 - m);
      const idx = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) {
        const mixed = alpha === 0 ? 0 : (fg[c]! * m + (bg ? bg.color[c]! : 0) * b * (1 - m)) / alpha;
        png.data[idx + c] = Math.round(mixed);
      }
      png.data[idx + 3] = Math.round(alpha * 255);
    }
  }
  return PNG.sync.write(png);
}

export function colorIcon(): Buffer {
  // The mark is clipped to the background so nothing white leaks past the rounded corners.
  const bg = roundedSquare(0, 0.2);
  const mark = target(0.3, 0.075, 0.11);
  return draw(192, (x, y) => bg(x, y) && mark(x, y), WHITE, { shape: bg, color: ACCENT });
}

export function outlineIcon(): Buffer {
  // Thicker strokes at 32 px so the ring survives the small size; 2 px margin on each side.
  return draw(32, target(0.44, 0.13, 0.16), WHITE);
}

if (require.main === module) {
  const dir = path.join(__dirname, '..', 'manifest');
  writeFileSync(path.join(dir, 'color.png'), colorIcon());
  writeFileSync(path.join(dir, 'outline.png'), outlineIcon());
  process.stdout.write(`wrote ${path.join(dir, 'color.png')} and ${path.join(dir, 'outline.png')}\n`);
}
