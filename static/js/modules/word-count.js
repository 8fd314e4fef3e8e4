// Live word counts for textareas with a word limit (data-word-limit="1500").
//
// Under each such textarea this adds one line, "You have 312 words remaining"
// or "You have 20 words too many", in a polite live region. The line changes
// only when the person pauses typing, so a screen reader announces the count
// once per pause rather than on every key press.
//
// Words are counted the way the server counts them (applications/sections.py,
// count_words): runs of characters that are not white space.
//
// Start it with the element that contains the textareas (or a textarea):
//   import startWordCounts from "./word-count.js";
//   startWordCounts(form);
// Starting twice on the same textarea does nothing the second time.

const PAUSE_MS = 600;
const NUMBER = new Intl.NumberFormat("en-GB");

export function countWords(text) {
  const words = (text || "").match(/\S+/gu);
  return words ? words.length : 0;
}

export function wordCountMessage(count, limit) {
  const left = limit - count;
  if (left >= 0) {
    return `You have ${NUMBER.format(left)} word${left === 1 ? "" : "s"} remaining`;
  }
  const over = -left;
  return `You have ${NUMBER.format(over)} word${over === 1 ? "" : "s"} too many`;
}

function startOne(textarea) {
  if (textarea.dataset.qmWordCountStarted) return;
  const limit = Number.parseInt(textarea.dataset.wordLimit, 10);
  if (!Number.isFinite(limit) || limit <= 0) return;
  textarea.dataset.qmWordCountStarted = "true";

  const id = `${textarea.id || textarea.name}-word-count`;
  const status = document.createElement("div");
  status.id = id;
  status.className = "qm-word-count";
  status.setAttribute("aria-live", "polite");
  status.dataset.qmWordCountFor = textarea.id || textarea.name;

  // GOV.UK marks a textarea with an error itself; remember whether the server did.
  const serverError = textarea.classList.contains("govuk-textarea--error");

  const update = () => {
    const count = countWords(textarea.value);
    const over = count > limit;
    status.textContent = wordCountMessage(count, limit);
    status.classList.toggle("qm-word-count--over", over);
    textarea.classList.toggle("govuk-textarea--error", over || serverError);
  };

  // Fill in the count before the region joins the page, so that it is not
  // announced on load.
  update();
  textarea.insertAdjacentElement("afterend", status);

  let timer = null;
  const later = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, PAUSE_MS);
  };
  textarea.addEventListener("input", later);
  // Text put back by a script (autosave's restore) fires "change": update at once.
  textarea.addEventListener("change", () => {
    window.clearTimeout(timer);
    update();
  });
}

export default function startWordCounts(root) {
  if (!root) return;
  if (root.matches && root.matches("textarea[data-word-limit]")) {
    startOne(root);
    return;
  }
  for (const textarea of root.querySelectorAll("textarea[data-word-limit]")) {
    startOne(textarea);
  }
}
