//! A `tracing` subscriber that keeps what it sees, for tests of what a store reports: the span
//! of every call and the events of lock waits, retries and repairs (see
//! [`podstate_api::raw::trace`]).
//!
//! ```
//! use podstate_conformance::trace::Capture;
//!
//! let capture = Capture::new();
//! capture.run(|| tracing::info!(holder = "process 7", "waited for a lock"));
//! let events = capture.events();
//! assert_eq!(events[0].message, "waited for a lock");
//! assert_eq!(events[0].fields["holder"], "process 7");
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Registry;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// Field values as text: strings as they are, everything else as `Debug` shows it.
pub type Fields = BTreeMap<String, String>;

/// A span that closed while the capture ran.
#[derive(Debug, Clone)]
pub struct SpanRecord {
    /// The span's name (`"call"` for a call of the `State` API).
    pub name: &'static str,
    /// Its target (the module that opened it).
    pub target: String,
    /// Its level.
    pub level: Level,
    /// Its fields as they were when it closed (fields never recorded are absent).
    pub fields: Fields,
}

/// An event emitted while the capture ran.
#[derive(Debug, Clone)]
pub struct EventRecord {
    /// Its level.
    pub level: Level,
    /// Its target (the module that emitted it).
    pub target: String,
    /// Its message.
    pub message: String,
    /// Its other fields.
    pub fields: Fields,
    /// The fields of the span it was emitted in (the innermost), if any: for an event inside a
    /// call, that call's span.
    pub span: Option<Fields>,
}

#[derive(Debug, Default)]
struct Seen {
    spans: Vec<SpanRecord>,
    events: Vec<EventRecord>,
}

/// Keeps every span and event of the code [`run`](Capture::run) runs on this thread, at every
/// level.
#[derive(Debug, Clone, Default)]
pub struct Capture {
    seen: Arc<Mutex<Seen>>,
}

impl Capture {
    /// An empty capture.
    pub fn new() -> Capture {
        Capture::default()
    }

    /// Runs `f` on this thread with this capture as its subscriber.
    pub fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        let subscriber = Registry::default().with(Keep {
            seen: Arc::clone(&self.seen),
        });
        tracing::subscriber::with_default(subscriber, || {
            // tracing caches each callsite's interest for all threads; one first reached on
            // another test thread before this subscriber existed may be cached as "never"
            // (seen: a capture that missed every span after the first). Recompute it now.
            tracing::callsite::rebuild_interest_cache();
            f()
        })
    }

    /// The spans that closed so far, in the order they closed.
    pub fn spans(&self) -> Vec<SpanRecord> {
        self.lock().spans.clone()
    }

    /// The events so far, in order.
    pub fn events(&self) -> Vec<EventRecord> {
        self.lock().events.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The layer that records into a [`Capture`].
struct Keep {
    seen: Arc<Mutex<Seen>>,
}

/// A span's fields so far, kept in its registry extensions.
struct Open(Fields);

/// Writes every field it visits into a map.
struct Collect<'a>(&'a mut Fields);

impl Visit for Collect<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S> Layer<S> for Keep
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut Collect(&mut fields));
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Open(fields));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(open) = span.extensions_mut().get_mut::<Open>()
        {
            values.record(&mut Collect(&mut open.0));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut Collect(&mut fields));
        let message = fields.remove("message").unwrap_or_default();
        let span = ctx
            .event_span(event)
            .and_then(|span| span.extensions().get::<Open>().map(|open| open.0.clone()));
        let meta = event.metadata();
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .events
            .push(EventRecord {
                level: *meta.level(),
                target: meta.target().to_owned(),
                message,
                fields,
                span,
            });
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else {
            return;
        };
        let fields = span
            .extensions_mut()
            .remove::<Open>()
            .map(|open| open.0)
            .unwrap_or_default();
        let meta = span.metadata();
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .spans
            .push(SpanRecord {
                name: meta.name(),
                target: meta.target().to_owned(),
                level: *meta.level(),
                fields,
            });
    }
}
