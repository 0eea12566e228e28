// Sortable tables (tablesort, vendored) on every page, including after Material's instant navigation.
function kadossierSortTables() {
  document.querySelectorAll("table.sortable").forEach(function (table) {
    if (!table.dataset.kadSorted) { new Tablesort(table); table.dataset.kadSorted = "1"; }
  });
}
if (typeof document$ !== "undefined") { document$.subscribe(kadossierSortTables); }
else { document.addEventListener("DOMContentLoaded", kadossierSortTables); }

// Material's search box is a dialog with no name (axe: aria-dialog-name): it takes its input's name ("Search").
function kadossierNameSearch() {
  var dialog = document.querySelector(".md-search[role=dialog]");
  var input = document.querySelector(".md-search__input");
  if (dialog && input && !dialog.hasAttribute("aria-label")) { dialog.setAttribute("aria-label", input.getAttribute("aria-label") || input.placeholder); }
}
document.addEventListener("DOMContentLoaded", kadossierNameSearch);
