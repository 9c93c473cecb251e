"""FolderNode: columnar storage, sort orders, filters and append rules, without Qt."""

from __future__ import annotations

from spacesgui.core.folder_node import Column, FolderNode, LoadState, SortSpec
from spacesgui.core.listing import ListingPage
from spacesgui.core.name_pattern import name_matcher


def page(prefix: str, objects: dict[str, int], folders: tuple[str, ...] = ()) -> ListingPage:
    result = ListingPage(folders=[prefix + f for f in folders])
    for name, size in objects.items():
        result.keys.append(prefix + name)
        result.sizes.append(size)
        result.mtimes.append(float(size))
        result.etags.append(f'"{name}"')
        result.storage_classes.append("STANDARD" if size % 2 else "GLACIER")
    return result


def filled(
    objects: dict[str, int], folders: tuple[str, ...] = (), spec: SortSpec | None = None
) -> FolderNode:
    node = FolderNode("photos/")
    node.append_page(page("photos/", objects, folders))
    spec = spec or SortSpec()
    node.set_orders(node.sorted_folders(spec), node.sorted_objects(spec), None)
    return node


def shown(node: FolderNode) -> list[str]:
    rows = []
    for row in range(node.row_count()):
        folder = node.folder_at(row)
        rows.append(folder.name + "/" if folder else node.names[node.object_at(row)])
    return rows


def test_names_are_stored_relative_to_the_folder_and_folders_come_first() -> None:
    node = filled({"b.jpg": 2, "a.jpg": 1}, ("zoo/", "Album/"))
    assert shown(node) == ["Album/", "zoo/", "a.jpg", "b.jpg"]
    assert node.key_of(node.object_at(2)) == "photos/a.jpg"
    assert node.folders[node.visible_folders[0]].prefix == "photos/Album/"


def test_name_sort_ignores_case_and_reverses_folders_too() -> None:
    node = filled({"b": 1, "A": 2, "c": 3}, ("x/", "Y/"), SortSpec(Column.NAME, descending=True))
    assert shown(node) == ["Y/", "x/", "c", "b", "A"]


def test_size_sort_breaks_ties_by_name_and_keeps_folders_by_name() -> None:
    node = filled({"d": 5, "b": 1, "c": 5, "a": 9}, ("z/", "m/"), SortSpec(Column.SIZE))
    assert shown(node) == ["m/", "z/", "b", "c", "d", "a"]
    node.set_orders(
        node.sorted_folders(SortSpec(Column.SIZE, True)),
        node.sorted_objects(SortSpec(Column.SIZE, True)),
        None,
    )
    assert shown(node) == ["m/", "z/", "a", "c", "d", "b"]


def test_type_and_storage_class_sorts_use_native_values() -> None:
    node = filled({"x.png": 1, "y.jpg": 2, "z.txt": 3}, spec=SortSpec(Column.TYPE))
    assert shown(node) == ["y.jpg", "x.png", "z.txt"]  # JPEG image < PNG image < Plain text
    node.set_orders([], node.sorted_objects(SortSpec(Column.STORAGE_CLASS)), None)
    assert shown(node)[0] == "x.png"  # STANDARD was registered before GLACIER


def test_filter_is_a_case_insensitive_substring_or_a_glob() -> None:
    node = filled({"IMG_1.JPG": 1, "img_2.png": 2, "notes.txt": 3}, ("imgs/", "docs/"))
    node.set_orders(node.folder_order, node.order, name_matcher("img"))
    assert shown(node) == ["imgs/", "IMG_1.JPG", "img_2.png"]
    node.set_orders(node.folder_order, node.order, name_matcher("*.jpg"))
    assert shown(node) == ["IMG_1.JPG"]
    node.set_orders(node.folder_order, node.order, name_matcher(""))
    assert len(shown(node)) == 5


def test_the_filter_finds_names_with_brackets_as_typed_and_folds_case() -> None:
    node = filled({"photo [1].png": 1, "photo 1.png": 2, "Straße.txt": 3, "film [1080p].mkv": 4})
    node.set_orders(node.folder_order, node.order, name_matcher("[1]"))
    assert shown(node) == ["photo [1].png"]  # not a character class matching "photo 1.png"
    node.set_orders(node.folder_order, node.order, name_matcher("photo [1]*"))
    assert shown(node) == ["photo [1].png"]
    node.set_orders(node.folder_order, node.order, name_matcher("*[1080?]*"))
    assert shown(node) == ["film [1080p].mkv"]
    node.set_orders(node.folder_order, node.order, name_matcher("STRASSE"))
    assert shown(node) == ["Straße.txt"]


def test_a_page_in_name_order_extends_the_order_but_an_earlier_name_does_not() -> None:
    node = filled({"a": 1, "b": 2})
    _, later = node.append_page(page("photos/", {"c": 1}))
    assert node.extends_order(SortSpec(), node.sorted_objects(SortSpec(), later))
    node.commit_objects(later, later)
    _, earlier = node.append_page(page("photos/", {"B0": 1}))
    assert not node.extends_order(SortSpec(), node.sorted_objects(SortSpec(), earlier))


def test_appending_is_never_taken_as_ordered_for_other_columns() -> None:
    node = filled({"a": 1}, spec=SortSpec(Column.SIZE))
    _, new = node.append_page(page("photos/", {"b": 100}))
    assert not node.extends_order(SortSpec(Column.SIZE), new)


def test_repeated_folders_in_later_pages_are_added_once() -> None:
    node = FolderNode("")
    first, _ = node.append_page(page("", {}, ("a/", "b/")))
    again, _ = node.append_page(page("", {}, ("b/", "c/")))
    assert [f.prefix for f in first] == ["a/", "b/"]
    assert [f.prefix for f in again] == ["c/"]


def test_row_of_folder_follows_the_visible_order() -> None:
    node = filled({}, ("b/", "a/", "c/"))
    b = next(f for f in node.folders if f.name == "b")
    assert node.row_of_folder(b) == 1
    node.set_orders(node.folder_order, node.order, name_matcher("b"))
    assert node.row_of_folder(b) == 0
    a = next(f for f in node.folders if f.name == "a")
    assert node.row_of_folder(a) == -1


def test_total_size_adds_every_object_even_filtered_ones() -> None:
    node = filled({"a": 10, "b": 32})
    node.set_orders(node.folder_order, node.order, name_matcher("a"))
    assert node.total_size() == 42


def test_a_listed_folder_with_matching_rows_inside_stays_visible_under_a_filter() -> None:
    root = FolderNode("")
    root.append_page(page("", {"top.txt": 1}, ("summer/", "winter/")))
    summer = root.folders[0]
    summer.append_page(page("summer/", {"beach-01.png": 1, "dunes.png": 2}))
    summer.state = LoadState.LOADED
    matcher = name_matcher("beach")
    summer.set_orders(summer.sorted_folders(SortSpec()), summer.sorted_objects(SortSpec()), matcher)
    root.set_orders(root.sorted_folders(SortSpec()), root.sorted_objects(SortSpec()), matcher)
    assert shown(root) == ["summer/"]
    assert shown(summer) == ["beach-01.png"]
