// Type declarations for the meshview embed API (version 1): the messages a
// portal exchanges with a dashboard in an <iframe> through postMessage.
//
// Open the dashboard with `?parentOrigin=<your page's origin>` (the
// deployment's config.json may restrict which origins are allowed). The
// dashboard accepts messages only from that origin and from its parent
// window, and posts only to that origin.

export declare const MESHVIEW_EMBED_VERSION: 1;

/** Connection state in one word (the badge text is in `text`). `stopped`:
 * the dashboard's worker stopped answering; the page offers a reload. */
export type MeshviewConnectionState =
  | "connecting" | "live" | "stale" | "quiet" | "reconnecting" | "offline" | "paused" | "stopped";

interface FromDashboard<T extends string> {
  source: "meshview";
  version: 1;
  type: T;
}

/** The dashboard loaded and listens for commands. */
export interface MeshviewReady extends FromDashboard<"ready"> {}
/** The dashboard's content height changed (px): size the iframe to it. */
export interface MeshviewResize extends FromDashboard<"resize"> { height: number; }
/** The connection changed state. */
export interface MeshviewConnection extends FromDashboard<"connection"> {
  state: MeshviewConnectionState;
  text: string;
}
/** The user selected a node (or cleared the selection). */
export interface MeshviewSelect extends FromDashboard<"select"> { nodeId: string | null; }

/** The session file asked for with `saveSession`: the history window,
 * `size` bytes in `data`; save it as `name` (`*.meshview`). */
export interface MeshviewSession extends FromDashboard<"session"> { name: string; size: number; data: Uint8Array; }
/** A `saveSession` or `openSession` that could not be done, and why. */
export interface MeshviewSessionError extends FromDashboard<"sessionError"> { text: string; }

export type MeshviewEvent =
  | MeshviewReady | MeshviewResize | MeshviewConnection | MeshviewSelect | MeshviewSession | MeshviewSessionError;

interface ToDashboard<T extends string> {
  target: "meshview";
  version: 1;
  type: T;
}

export interface MeshviewSetTheme extends ToDashboard<"setTheme"> { theme: "auto" | "light" | "dark"; }
/** Switch project: the dashboard starts over with that project's stream. */
export interface MeshviewSetProject extends ToDashboard<"setProject"> { project: string; }
/** Keep receiving but stop updating the view. */
export interface MeshviewPause extends ToDashboard<"pause"> {}
/** Apply everything held and go live. */
export interface MeshviewResume extends ToDashboard<"resume"> {}
export interface MeshviewSelectNode extends ToDashboard<"selectNode"> { nodeId: string | null; }
/** Set the one filter of every view (the topology, the nodes and edges
 * tables, events and logs by node), in the filter language of the README's
 * "Filtering" section, e.g. `kind:api status:error,degraded errors>5%`.
 * Text that does not parse is shown with its error; the views keep the
 * last filter that parsed. `""` shows everything. */
export interface MeshviewSetFilter extends ToDashboard<"setFilter"> { text: string; }
/** Focus on a node and its neighbours up to `hops` (1–3; absent: keep the
 * hops in force, 1 at first); `nodeId: null` leaves the focus. */
export interface MeshviewSetFocus extends ToDashboard<"setFocus"> { nodeId: string | null; hops?: 1 | 2 | 3; }
/** A fresh auth token, sent as the first frame of the next connection. */
export interface MeshviewSetToken extends ToDashboard<"setToken"> { token: string | null; }
/** Save the history window as a session file; answered by `session` (or
 * `sessionError`). */
export interface MeshviewSaveSession extends ToDashboard<"saveSession"> {}
/** Replay a session file instead of the live stream. Only an address the
 * deployment lists in config.json's `sessionUrls`, exactly as listed. */
export interface MeshviewOpenSession extends ToDashboard<"openSession"> { url: string; }

export type MeshviewCommand =
  | MeshviewSetTheme | MeshviewSetProject | MeshviewPause | MeshviewResume
  | MeshviewSelectNode | MeshviewSetFilter | MeshviewSetFocus | MeshviewSetToken
  | MeshviewSaveSession | MeshviewOpenSession;
