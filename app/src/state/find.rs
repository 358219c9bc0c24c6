//! The intents of finding things: the one filter, the focus, the nodes
//! table's sort, the topology's grouping, and asking the topology to show
//! a node. Each changes the lens once (one pass over the graph), then
//! wakes the views that follow it.

use shared::View as MeshView;
use sycamore::prelude::*;

use super::{AppState, LensCell};
use crate::filter::{parse, ParseError};
use crate::lens::{EdgeSort, Focus, GroupBy, NodeSort, MAX_EDGE_CHECKS_PER_STEP};
use crate::settings::Settings;

/// The lens the page opens with (the URL's `q`, `focus`, `hops`, sorts
/// and grouping); returns why the filter does not parse, if it does not.
pub(super) fn open_lens(lens: &LensCell, settings: &Settings) -> Option<ParseError> {
    let view = MeshView::default();
    let mut lens = lens.borrow_mut();
    lens.set_focus(settings.focus.clone(), &view);
    lens.set_sort(settings.node_sort, &view);
    lens.set_edge_sort(settings.edge_sort, &view);
    lens.set_group_by(settings.group_by.clone(), &view);
    match parse(&settings.filter) {
        Ok(query) => {
            lens.set_query(query, &view);
            None
        }
        Err(error) => Some(error),
    }
}

impl AppState {
    /// Sets the one filter of every view. Text that does not parse is kept
    /// (with its error, for the filter bar) and the views keep the last
    /// filter that did.
    pub fn set_filter(&self, text: String) {
        if self.filter.with_untracked(|current| *current == text) {
            return;
        }
        let parsed = parse(&text);
        batch(|| {
            self.filter.writer().set(text);
            match parsed {
                Ok(query) => {
                    if self.filter_error.with_untracked(Option::is_some) {
                        self.filter_error.writer().set(None);
                    }
                    self.lens.borrow_mut().set_query(query, &self.view.borrow());
                    self.lens_changed();
                }
                Err(error) => self.filter_error.writer().set(Some(error)),
            }
        });
    }

    /// Focuses on a node (and selects it), keeping the hops of the focus
    /// in force (1 at first).
    pub fn focus_on(&self, node_id: String) {
        let hops = self.focus.with_untracked(|focus| focus.as_ref().map_or(1, |focus| focus.hops));
        self.select_node(Some(node_id.clone()));
        self.set_focus(Some(Focus::new(node_id, hops)));
    }

    /// Shows more or fewer hops around the focused node.
    pub fn set_focus_hops(&self, hops: u8) {
        let focused = self.focus.with_untracked(|focus| focus.as_ref().map(|focus| focus.node_id.clone()));
        if let Some(node_id) = focused {
            self.set_focus(Some(Focus::new(node_id, hops)));
        }
    }

    /// Shows everything the filter matches again (Esc).
    pub fn leave_focus(&self) {
        self.set_focus(None);
    }

    fn set_focus(&self, focus: Option<Focus>) {
        if self.focus.with_untracked(|current| *current == focus) {
            return;
        }
        self.lens.borrow_mut().set_focus(focus.clone(), &self.view.borrow());
        batch(|| {
            self.focus.writer().set(focus);
            self.lens_changed();
        });
    }

    pub fn set_node_sort(&self, sort: NodeSort) {
        if self.lens.borrow().sort() != sort {
            self.lens.borrow_mut().set_sort(sort, &self.view.borrow());
            batch(|| {
                self.node_sort.writer().set(sort);
                self.lens_changed();
            });
        }
    }

    pub fn set_edge_sort(&self, sort: EdgeSort) {
        if self.lens.borrow().edge_sort() != sort {
            self.lens.borrow_mut().set_edge_sort(sort, &self.view.borrow());
            batch(|| {
                self.edge_sort.writer().set(sort);
                self.lens_changed();
            });
        }
    }

    /// Groups the topology by kind or by a `meta` key.
    pub fn set_group_by(&self, by: GroupBy) {
        if self.group_by.with_untracked(|current| *current == by) {
            return;
        }
        self.lens.borrow_mut().set_group_by(by.clone(), &self.view.borrow());
        batch(|| {
            self.group_by.writer().set(by);
            self.lens_changed();
        });
    }

    /// Selects a node and asks the topology to centre it (search's Enter).
    pub fn reveal_node(&self, node_id: String) {
        self.select_node(Some(node_id));
        self.reveal_request.writer().update(|n| *n += 1);
    }

    /// One bounded step of the lens's waiting re-checks (`Lens::settle`),
    /// waking the views if rows changed; returns how many still wait.
    /// `clock_millis` times the step for Diagnostics.
    pub fn settle_lens(&self, clock_millis: impl Fn() -> f64) -> usize {
        let start = clock_millis();
        let (changed, unsettled) = {
            let mut lens = self.lens.borrow_mut();
            let changed = lens.settle(MAX_EDGE_CHECKS_PER_STEP);
            (changed, lens.unsettled())
        };
        // Only a step that showed, hid or moved rows wakes the views (the
        // topology's group counts follow at its next draw).
        if changed {
            batch(|| self.lens_changed());
        }
        let millis = clock_millis() - start;
        self.apply_stats
            .writer()
            .update(|stats| self.apply_samples.borrow_mut().record_recheck(stats, millis, unsettled));
        unsettled
    }

    fn lens_changed(&self) {
        self.lens_version.writer().update(|v| *v += 1);
        self.shown_version.writer().update(|v| *v += 1);
    }
}
