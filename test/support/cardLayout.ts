/** What a rendered card (cardRenderer.ts) shows badly: text cut off or sticking out of the card. */

export interface Overflow {
  what: string;
  text: string;
  detail: string;
}

/** Runs in the page: every text holder and button that is cut off or sticks out of the card. No named inner functions. */
export const overflows = (): Overflow[] => {
  const card = document.querySelector('.ac-adaptiveCard') as HTMLElement;
  const box = card.getBoundingClientRect();
  const found: Overflow[] = [];
  const holders = Array.from(card.querySelectorAll<HTMLElement>('*')).filter(
    (el) =>
      el.tagName === 'BUTTON' ||
      el.tagName === 'LABEL' ||
      Array.from(el.childNodes).some((n) => n.nodeType === 3 && (n.textContent ?? '').trim() !== ''),
  );
  for (const el of holders) {
    if (el.offsetParent === null) continue; // hidden (a closed ShowCard form)
    const r = el.getBoundingClientRect();
    const text = (el.textContent ?? '').trim().slice(0, 80);
    const what = `${el.tagName.toLowerCase()}.${el.className}`;
    if (el.scrollWidth > el.clientWidth + 1)
      found.push({ what, text, detail: `text ${el.scrollWidth}px wide in a ${el.clientWidth}px box` });
    if (r.left < box.left - 1 || r.right > box.right + 1)
      found.push({ what, text, detail: `${r.left}–${r.right} outside the card ${box.left}–${box.right}` });
    // Inside a button the label itself may be an inner element with an ellipsis.
    if (getComputedStyle(el).textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth)
      found.push({ what, text, detail: 'cut off with an ellipsis' });
  }
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth)
    found.push({ what: 'page', text: '', detail: `scrolls sideways: ${page.scrollWidth} > ${page.clientWidth}` });
  return found;
};
