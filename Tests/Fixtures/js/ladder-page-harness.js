// Runs the script of a `tcplab ladder --html` page in node against a minimal DOM: enough to
// click one arrow, read the details panel, then press the down arrow key.
// Usage: node ladder-page-harness.js PAGE.html FRAME  → JSON {panel, selected, next, nextPanel}
// (Tests/TCPAnalysisTests/LadderTests.swift runs it; a real browser check is in docs/ladder.md.)
const fs = require("fs");
const html = fs.readFileSync(process.argv[2], "utf8");
const frame = process.argv[3];
const dataText = /<script type="application\/json" id="ladder-data">([\s\S]*?)<\/script>/.exec(html)[1];
const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(m => m[1]);
class Node {
  constructor(tag) { this.tag = tag; this.children = []; this._text = ""; this.className = ""; this.attributes = {}; this.handlers = {}; this.classes = new Set(); }
  set textContent(value) { this._text = String(value); this.children = []; }
  get textContent() { return this._text + this.children.map(c => c.textContent).join(""); }
  appendChild(child) { this.children.push(child); return child; }
  getAttribute(name) { return this.attributes[name]; }
  addEventListener(type, handler) { this.handlers[type] = handler; }
  focus() {}
  get classList() { const self = this; return { toggle(name, on) { on ? self.classes.add(name) : self.classes.delete(name); } }; }
}
const arrows = [...html.matchAll(/<g class="arrow[^"]*" id="frame-(\d+)" data-frame="(\d+)"/g)].map(m => {
  const node = new Node("g"); node.attributes["data-frame"] = m[2]; return node; });
const panel = new Node("aside");
const dataNode = new Node("script"); dataNode._text = dataText;
global.document = {
  getElementById(id) { return id === "details" ? panel : id === "ladder-data" ? dataNode : null; },
  querySelectorAll() { return arrows; },
  createElement(tag) { return new Node(tag); },
};
global.window = { location: { hash: "" } };
scripts.forEach(code => eval(code));
const arrow = arrows.find(a => a.getAttribute("data-frame") === frame);
arrow.handlers.click({});
const selectedFrames = () => arrows.filter(a => a.classes.has("selected")).map(a => a.getAttribute("data-frame"));
const selected = selectedFrames(), clickedPanel = panel.textContent;
arrow.handlers.keydown({ key: "ArrowDown", preventDefault() {} });
process.stdout.write(JSON.stringify({ panel: clickedPanel, selected, next: selectedFrames(), nextPanel: panel.textContent }));
