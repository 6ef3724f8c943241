// Presenter mode: the first screen never ends in half a chart. A chart that starts on the first screen is
// drawn no taller than the room left there (--present-room, used by presenter.css); when that room is too
// small to read, the chart and its heading start the second screen instead. Our own fixed script, no data.
// Added by ui/presenter.py; it undoes its changes when presenter mode is left (the bar is gone).
(() => {
  if (window.__presenterFit) { window.__presenterFit(); return; }
  const CHART = '[data-testid="stVegaLiteChart"], [data-testid="stDeckGlJsonChart"]';
  const GAP = 16;         // pixels kept clear at the foot of the screen
  const SMALLEST = 0.45;  // a chart given less than this share of the screen moves to the next one
  let queued = false;

  const blockOf = (column, el) => [...column.children].find((c) => c.contains(el));
  const headingBefore = (block) => {
    // The section's heading goes with its chart: up to three elements back (a caption, a note).
    let el = block;
    for (let i = 0; i < 4 && el; i += 1, el = el.previousElementSibling) {
      if (el.querySelector('h2, h3')) return el;
    }
    return block;
  };

  const fit = () => {
    queued = false;
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main) return;
    for (const el of main.querySelectorAll('[data-present-fit]')) {
      el.style.removeProperty('--present-room');
      el.style.removeProperty('margin-top');
      el.removeAttribute('data-present-fit');
    }
    const column = main.querySelector('[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]');
    if (!column || !document.querySelector('.st-key-present_bar')) return;
    const screen = main.clientHeight;
    for (const chart of main.querySelectorAll(CHART)) {
      if (!chart.offsetParent) continue; // not shown (a closed tab)
      const block = blockOf(column, chart);
      if (!block) continue;
      const first = headingBefore(block);
      const origin = main.getBoundingClientRect().top - main.scrollTop;
      if (first.getBoundingClientRect().top - origin >= screen) continue; // its section starts below
      const box = chart.getBoundingClientRect();
      const top = box.top - origin;
      const room = Math.floor(screen - top - GAP);
      if (chart.matches('[data-testid="stVegaLiteChart"]') && room >= SMALLEST * screen) {
        chart.style.setProperty('--present-room', `${room}px`);
        chart.setAttribute('data-present-fit', '');
      } else if (top + box.height > screen - GAP) {
        // Too little room: the section (heading, notes and chart) starts the second screen.
        const firstTop = first.getBoundingClientRect().top - origin;
        first.style.setProperty('margin-top', `${Math.ceil(screen - firstTop + GAP)}px`);
        first.setAttribute('data-present-fit', '');
      }
    }
  };

  const queue = () => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(fit);
    }
  };
  window.__presenterFit = queue;
  new MutationObserver(queue).observe(document.body, { childList: true, subtree: true });
  window.addEventListener('resize', queue);
  queue();
})();
