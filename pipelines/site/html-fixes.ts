// Corrections to the HTML Framework 1.13 writes for every page: language, no font CDN, valid list markup, zoom allowed, the sidebar toggle named, an icon.

const LANG = "en-GB";

/** Give the <html> tag lang="en-GB", replacing any lang Framework wrote. */
export function setLang(html: string, lang = LANG): string {
  return html.replace(/<html\b([^>]*)>/i, (_tag, attrs: string) => `<html lang="${lang}"${attrs.replace(/\s+lang=("[^"]*"|'[^']*'|\S+)/i, "")}>`);
}

/** Remove Google Fonts links (Framework's default global stylesheet), in case a config forgets globalStylesheets. */
export function stripGoogleFonts(html: string): string {
  return html.replace(/[ \t]*<link\b[^>]*\bhref="https:\/\/fonts\.(?:googleapis|gstatic)\.com[^"]*"[^>]*>\n?/gi, "");
}

/** Framework puts the sidebar's close <label> straight inside an <ol>, which is invalid list markup: wrap it in an <li>. */
export function fixSidebarList(html: string): string {
  return html.replace(
    /(<ol>\s*)(<label id="observablehq-sidebar-close"[^>]*><\/label>)/,
    '$1<li class="chest-sidebar-close">$2</li>',
  );
}

/** Drop maximum-scale / user-scalable=no from the viewport meta, so people who need to zoom can (WCAG 1.4.4, axe meta-viewport). */
export function allowZoom(html: string): string {
  return html.replace(/(<meta\s+name="viewport"\s+content=")([^"]*)(")/i, (_m, open: string, content: string, close: string) => {
    const kept = content
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part && !/^(maximum-scale|user-scalable)\s*=/i.test(part));
    return `${open}${kept.join(", ")}${close}`;
  });
}

/** Keeps the toggle's aria-pressed in step with its checkbox state (checked, unchecked, or Framework's "indeterminate" default). */
const PRESSED_SYNC =
  '<script>{const t=document.getElementById("observablehq-sidebar-toggle"),s=()=>t.setAttribute("aria-pressed",t.indeterminate?"mixed":String(t.checked));addEventListener("DOMContentLoaded",s);t.addEventListener("change",s);}</script>';

/**
 * Framework's sidebar toggle is a checkbox named only by its title (axe label-title-only) and sitting outside every
 * landmark (axe region): give it a name and the role of a toggle button (allowed on a checkbox with aria-pressed, kept
 * in step by a one-line script), hide the two decorative labels that only enlarge its hit area, and name the two
 * <nav>s (axe landmark-unique).
 */
export function labelSidebarToggle(html: string): string {
  return html
    .replace(
      /<input id="observablehq-sidebar-toggle"(?![^>]*aria-label)([^>]*)>/,
      `<input id="observablehq-sidebar-toggle" role="button" aria-pressed="mixed" aria-label="Show or hide the list of pages"$1>${PRESSED_SYNC}`,
    )
    .replace(/<label id="observablehq-sidebar-(backdrop|close)"(?![^>]*aria-hidden)/g, '<label id="observablehq-sidebar-$1" aria-hidden="true"')
    .replace(/<nav id="observablehq-sidebar">/, '<nav id="observablehq-sidebar" aria-label="Pages">')
    .replace(/(<aside id="observablehq-toc"[^>]*>\s*)<nav>/, '$1<nav aria-label="On this page">');
}

/** The site's icon, a chest-blue square with a white "C", as an SVG data URL: no file to serve and no request. */
const ICON_URL = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1d5a8c"/><text x="8" y="12" font-family="sans-serif" font-size="11" font-weight="700" text-anchor="middle" fill="#fff">C</text></svg>',
)}`;

/**
 * Give every page an icon. Without one, browsers ask for /favicon.ico, get a 404 and log it as an error in the console.
 * Done here rather than in the config's `head`, because a page's own front-matter `head` replaces the config's.
 */
export function addIcon(html: string): string {
  if (/<link\b[^>]*\brel="(?:shortcut )?icon"/i.test(html)) return html;
  return html.replace(/<\/head>/i, `<link rel="icon" type="image/svg+xml" href="${ICON_URL}">\n</head>`);
}
