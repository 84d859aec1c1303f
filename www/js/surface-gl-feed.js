// The WebGL2 surface kept up with the race: the paths' new points come with the frame's numbers
// (SurfaceFeed.advance takes the place of Scene.advance while the view is shown; a frame that
// did not advance the race asks for them alone, and only when something changed), the mesh
// crosses once per landscape or view, and a frame is drawn only when something it shows changed.

import { SurfaceFeed } from '../pkg/optiscape.js';

/** While nothing seems to change, the paths are still asked for this often (ms). */
const IDLE_NEWS_MS = 500;

/**
 * Feeds `gl` (createSurfaceGl's) from `scene()` on a `grid x grid` mesh; `changed()`: values
 * that change when the scene changes other than by a frame. Returns {advance(n), draw(canvas,
 * turn, dpr, over), forget()}.
 */
export function createGlFeed(gl, grid, { scene, changed }) {
  const feed = new SurfaceFeed(grid);
  const s = { seen: null, fed: false, news: 0, lastNews: 0, meshVersion: -1, drawn: '' };

  function takeNews(numbers, from) {
    s.meshVersion = gl.takeNews(numbers, from);
    s.news += 1;
    s.lastNews = performance.now();
  }

  /** The frame's one call, bringing the paths' new points too; returns the scene's numbers. */
  function advance(n) {
    const all = feed.advance(scene(), n);
    const own = all[all.length - 1];
    takeNews(all, own);
    s.fed = true;
    return all.subarray(0, own);
  }

  /** Draws the view turned as `turn` on `canvas`, clear of the rectangles `over` where it can,
   * when anything it shows changed; returns whether it drew. */
  function draw(canvas, turn, dpr, over) {
    // The paths' news came with the frame's numbers, or is asked for when something changed.
    const now = changed();
    const same = s.seen && now.length === s.seen.length && now.every((v, k) => v === s.seen[k]);
    if (s.fed) s.fed = false;
    else if (!same || performance.now() - s.lastNews > IDLE_NEWS_MS) takeNews(feed.news(scene()), 0);
    s.seen = now;
    // The mesh crosses once per landscape or view: when the news says it was sampled again.
    if (s.meshVersion !== gl.version()) gl.setMesh(feed.mesh());
    const key = `${canvas.width}x${canvas.height}|${turn.yaw}|${turn.pitch}|${turn.zoom}|${s.news}|${gl.version()}|${over.join(';')}`;
    if (key === s.drawn) return false;
    s.drawn = key;
    gl.draw(turn, dpr, over);
    return true;
  }

  return {
    advance,
    draw,
    /** Draws the next frame and asks for the paths whatever changed (the view shown again). */
    forget() {
      s.drawn = '';
      s.seen = null;
    },
  };
}
