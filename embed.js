// Bindery's embed loader: `<bindery-scenario src="…/?scenario=rwop-conflict&view=events">`
// becomes an iframe showing that scenario (`embed=1` is added), sized to its content.
//
// - Height: the embed posts {type: "bindery:height", id, height} whenever its layout
//   changes; a message is used only if it comes from this element's own iframe and from
//   the origin of its src, and carries this element's id.
// - Loading: embeds on a page load one after another, so the browser fetches the wasm
//   once and every later embed starts from its cache.
// - No global CSS: everything lives inside the iframe; the element itself only becomes a
//   block.
const queue = [];
let busy = false;
let counter = 0;

function loadNext() {
  if (busy) return;
  const element = queue.shift();
  if (!element) return;
  busy = true;
  element.startLoading(() => {
    busy = false;
    loadNext();
  });
}

class BinderyScenario extends HTMLElement {
  connectedCallback() {
    if (this.iframe) return;
    const src = new URL(this.getAttribute('src') || './', document.baseURI);
    counter += 1;
    this.embedId = `bindery-${counter}`;
    src.searchParams.set('embed', '1');
    src.searchParams.set('id', this.embedId);
    this.src = src.href;
    this.origin = src.origin;
    const iframe = document.createElement('iframe');
    iframe.title = this.getAttribute('title') || 'Bindery: Kubernetes storage scheduling scenario';
    iframe.style.cssText = 'display:block;width:100%;border:0;min-height:6rem;';
    iframe.style.height = `${parseInt(this.getAttribute('height') || '360', 10)}px`;
    this.iframe = iframe;
    this.style.display = 'block';
    this.appendChild(iframe);
    this.onMessage = (event) => {
      if (event.source !== iframe.contentWindow || event.origin !== this.origin) return;
      const data = event.data;
      if (!data || data.type !== 'bindery:height' || data.id !== this.embedId) return;
      const height = Math.ceil(Number(data.height));
      if (!Number.isFinite(height) || height <= 0 || height > 20000) return;
      iframe.style.height = `${height}px`;
      this.dataset.ready = 'true';
      this.finish();
    };
    window.addEventListener('message', this.onMessage);
    queue.push(this);
    loadNext();
  }

  startLoading(done) {
    this.done = done;
    this.iframe.src = this.src;
    // A broken embed must not hold the others back.
    setTimeout(() => this.finish(), 15000);
  }

  finish() {
    const done = this.done;
    this.done = null;
    if (done) done();
  }

  disconnectedCallback() {
    window.removeEventListener('message', this.onMessage);
    this.finish();
  }
}

if (!customElements.get('bindery-scenario')) {
  customElements.define('bindery-scenario', BinderyScenario);
}
