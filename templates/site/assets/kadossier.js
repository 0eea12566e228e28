// Sortable tables (tablesort, vendored) on every page, including after Material's instant navigation.
function kadossierSortTables() {
  document.querySelectorAll("table.sortable").forEach(function (table) {
    if (!table.dataset.kadSorted) { new Tablesort(table); table.dataset.kadSorted = "1"; }
  });
}
if (typeof document$ !== "undefined") { document$.subscribe(kadossierSortTables); }
else { document.addEventListener("DOMContentLoaded", kadossierSortTables); }
