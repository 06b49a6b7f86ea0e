"""The benchmarks, in the order the bench command runs them."""

from benchmarks import letters, load, pages, print_pack, writes

BENCHMARKS = {
    "save-history": writes.save_history,
    "bulk-history": writes.bulk_history,
    "nightly-job": writes.nightly_job,
    "letters": letters.letters,
    "print-pack": print_pack.print_pack,
    "case-list": pages.case_list,
    "case-list-all": pages.case_list_national,
    "child-page": pages.child_page,
    "dashboard": pages.dashboard,
    "deep-page": pages.deep_page,
    "name-search": pages.name_search,
    "history-timeline": pages.history_timeline,
    "load": load.load,
}
