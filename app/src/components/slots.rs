//! Rows updated in place. A virtualized table's window holds a few dozen
//! rows that change with every diff (new numbers, a status flap, events
//! pushing the list down). Re-creating a row for each change costs a
//! reactive scope, its elements and their listeners; here each position of
//! the window is a slot made once, whose text and attributes follow that
//! position's row. Slots come and go only when the window's length does.

use std::rc::Rc;

use sycamore::prelude::*;

/// The rows of `rows`, each drawn by `row_view` from the signal of its
/// position (the row's `Default` while the position is momentarily past
/// the end). A position's signal fires only when its row changed.
pub fn slots<R, F>(rows: ReadSignal<Vec<R>>, row_view: F) -> View
where
    R: Clone + PartialEq + Default + 'static,
    F: Fn(ReadSignal<R>) -> View + 'static,
{
    let row_view = Rc::new(row_view);
    let positions = create_selector(move || rows.with(Vec::len));
    let list = create_memo(move || (0..positions.get()).collect::<Vec<usize>>());
    view! {
        Indexed(
            list=list,
            view=move |position: usize| {
                let row = create_selector(move || rows.with(|rows| rows.get(position).cloned().unwrap_or_default()));
                row_view(row)
            },
        )
    }
}

/// A text that follows a field of a slot's row, written to the page only
/// when that field changed: a row whose status flapped keeps its label's
/// text node untouched (a text node's data set again, even to the same
/// string, makes the browser lay its line out again).
pub fn field<R: 'static>(row: ReadSignal<R>, text: impl Fn(&R) -> String + 'static) -> impl Fn() -> String {
    let value = create_selector(move || row.with(&text));
    move || value.get_clone()
}
