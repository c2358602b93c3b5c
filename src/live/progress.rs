//! The progress bar: kinds listed, pages, objects and retries, drawn on stderr only when the
//! caller asks for it and stderr is a terminal.

use std::cell::Cell;
use std::io::IsTerminal as _;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    pages: Cell<u64>,
    objects: Cell<u64>,
    retries: Cell<u64>,
}

impl Progress {
    pub(crate) fn new(wanted: bool) -> Progress {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} reading the cluster: {pos}/{len} kinds, {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.set_message("discovering the API");
            bar
        });
        Progress {
            bar,
            pages: Cell::new(0),
            objects: Cell::new(0),
            retries: Cell::new(0),
        }
    }

    pub(crate) fn kinds(&self, total: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(total as u64);
        }
        self.redraw();
    }

    pub(crate) fn page(&self, objects: usize) {
        self.pages.set(self.pages.get() + 1);
        self.objects.set(self.objects.get() + objects as u64);
        self.redraw();
    }

    pub(crate) fn retry(&self) {
        self.retries.set(self.retries.get() + 1);
        self.redraw();
    }

    pub(crate) fn kind_done(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn redraw(&self) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!(
                "{} pages, {} objects, {} retries",
                self.pages.get(),
                self.objects.get(),
                self.retries.get()
            ));
        }
    }
}
