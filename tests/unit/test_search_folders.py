"""Folders a search finds by their own name (core.search_folders, core.search_follow)."""

from __future__ import annotations

from spacesgui.core.name_pattern import name_matcher
from spacesgui.core.search import SearchCriteria, SearchFilter
from spacesgui.core.search_folders import MatchingFolders
from spacesgui.core.search_follow import MovedTo, ResultChanges, touched_folders


def finder(pattern: str, prefix: str = "") -> MatchingFolders:
    test = name_matcher(pattern)
    assert test is not None
    return MatchingFolders(test, prefix)


def test_each_matching_folder_is_found_once_at_every_depth_across_pages() -> None:
    folders = finder("lisbon")
    first = folders.found_in(["a.txt", "Lisbon/x.png", "Lisbon/y.png", "trips/lisbon-2019/old/lisbon/z.png"])
    assert first == ["Lisbon/", "trips/lisbon-2019/", "trips/lisbon-2019/old/lisbon/"]
    assert folders.found_in(["Lisbon/more.png", "trips/lisbon-2019/w.png", "porto/lisbon/"]) == [
        "porto/lisbon/"
    ]


def test_only_folders_below_the_searched_folder_count_and_empty_names_never_match() -> None:
    folders = finder("*", prefix="photos/lisbon/")
    assert folders.found_in(["photos/lisbon/a.png", "photos/lisbon/day1/b.png", "photos/lisbon//c.png"]) == [
        "photos/lisbon/day1/"
    ]


def test_folders_are_matched_only_by_a_plain_name_with_no_size_date_or_type() -> None:
    assert SearchFilter(SearchCriteria("lisbon")).folder_test() is not None
    assert SearchFilter(SearchCriteria("lis*")).matches_folder("trips/lisbon/")
    assert not SearchFilter(SearchCriteria("lisbon/*")).matches_folder("trips/lisbon/")
    assert SearchFilter(SearchCriteria("")).folder_test() is None
    assert SearchFilter(SearchCriteria("lisbon", min_size=1)).folder_test() is None
    assert SearchFilter(SearchCriteria("lisbon", content_type="image/")).folder_test() is None
    assert SearchFilter(SearchCriteria("lisbon", modified_after=0.0)).folder_test() is None


def test_a_shown_folder_whose_keys_were_deleted_or_renamed_is_touched_with_where_they_went() -> None:
    changes = ResultChanges(
        gone={"trips/lisbon/a.png", "other/x.txt"},
        moved={
            "trips/porto/b.png": MovedTo("trips/oporto/b.png", 1),
            "trips/porto/": MovedTo("trips/oporto/", 0),
        },
    )
    shown = {"trips/lisbon/", "trips/porto/", "faro/"}
    assert touched_folders(shown, changes) == {"trips/lisbon/": "", "trips/porto/": "trips/oporto/"}
    assert touched_folders(set(), changes) == {}
