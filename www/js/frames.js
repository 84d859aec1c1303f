// Reading the per-frame numbers of Scene.advance(): their layout comes from the core
// (packed_layout(): the names of the numbers per racer, of those after every racer's, and the
// statuses by number), so the order is written down once, in Rust.

/** A reader for frames laid out as `layout` ({fields, tail, statuses}). */
export function frameReader({ fields, tail, statuses }) {
  const at = Object.fromEntries(fields.map((name, i) => [name, i]));
  const after = Object.fromEntries(tail.map((name, i) => [name, i]));
  const number = (x) => (Number.isNaN(x) ? null : x);
  return {
    /** How many racers `packed` holds. */
    racers: (packed) => (packed.length - tail.length) / fields.length,
    /** The clock and the racers behind it. */
    tail(packed) {
      const o = packed.length - tail.length;
      return { clock: packed[o + after.clock], behind: packed[o + after.behind] };
    },
    /** Updates `states` (racers() objects) in place from `packed`. */
    read(packed, states) {
      states.forEach((s, i) => {
        const f = (name) => packed[fields.length * i + at[name]];
        s.step = f('step');
        s.position = [f('x'), f('y')];
        s.loss = f('loss');
        s.status = statuses[f('status')];
        const stoppedAt = number(f('stopped_at'));
        s.diverged_at = s.status === 'diverged' ? stoppedAt : null;
        s.singular_at = s.status === 'singular' ? stoppedAt : null;
        const arrived = number(f('arrival_step'));
        if (arrived === null) s.arrival = null;
        else if (s.arrival?.step !== arrived) s.arrival = { step: arrived, at: [f('arrival_x'), f('arrival_y')], global: f('arrival_global') === 1 };
        s.mean_loss = number(f('mean_loss'));
      });
    },
  };
}
