//! Read-only handles on the state: components get these, so the only way
//! to change the state is an `AppState` method (the write halves are
//! visible to the `state` module alone).

use std::cell::{Ref, RefCell, RefMut};
use std::ops::Deref;
use std::rc::Rc;

use shared::View;
use sycamore::prelude::*;

use crate::lens::Lens;

/// A signal that can be read, tracked and passed to views, not set.
pub struct ReadOnly<T: 'static>(Signal<T>);

impl<T> ReadOnly<T> {
    pub(super) fn new(value: T) -> ReadOnly<T> {
        ReadOnly(create_signal(value))
    }

    /// The write half, for `AppState`'s methods.
    pub(super) fn writer(&self) -> Signal<T> {
        self.0
    }
}

impl<T> Clone for ReadOnly<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for ReadOnly<T> {}

impl<T> Deref for ReadOnly<T> {
    type Target = ReadSignal<T>;

    fn deref(&self) -> &ReadSignal<T> {
        &self.0
    }
}

impl<T: Into<MaybeDyn<T>> + Clone> From<ReadOnly<T>> for MaybeDyn<T> {
    fn from(read_only: ReadOnly<T>) -> Self {
        MaybeDyn::from(*read_only)
    }
}

/// The applied data: `borrow()` to read it; only `AppState` writes.
#[derive(Clone, Default)]
pub struct ViewCell(Rc<RefCell<View>>);

impl ViewCell {
    pub fn borrow(&self) -> Ref<'_, View> {
        self.0.borrow()
    }

    pub(super) fn borrow_mut(&self) -> RefMut<'_, View> {
        self.0.borrow_mut()
    }
}

/// The lens (`crate::lens`): `borrow()` to read it; only `AppState` changes it.
#[derive(Clone, Default)]
pub struct LensCell(Rc<RefCell<Lens>>);

impl LensCell {
    pub fn borrow(&self) -> Ref<'_, Lens> {
        self.0.borrow()
    }

    pub(super) fn borrow_mut(&self) -> RefMut<'_, Lens> {
        self.0.borrow_mut()
    }
}
