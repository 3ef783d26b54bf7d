/**
 * Number formatting for the terminal, deterministic (no locale, no time zone): the same value always prints the
 * same characters, so summaries can be compared as text.
 */

/** 1234567 → "1,234,567" (integers; fractions are rounded). */
export function formatCount(n: number): string {
  const s = String(Math.round(Math.abs(n)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 && grouped !== '0' ? `-${grouped}` : grouped;
}

/** A duration in ms, with as many decimals as matter at its size: "0.42 ms", "12.3 ms", "512 ms", "1.52 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const a = Math.abs(ms);
  if (a >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (a >= 100) return `${ms.toFixed(0)} ms`;
  if (a >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** Seconds as "45.2s", "2m05s" or "1h02m03s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}h${mm}m${ss}s` : `${m}m${ss}s`;
}

/** A per-second rate with two decimals below 100 and one above: "9.87", "1234.5". */
export function formatRate(perS: number): string {
  if (!Number.isFinite(perS)) return '-';
  return Math.abs(perS) >= 100 ? perS.toFixed(1) : perS.toFixed(2);
}

/** USD: four decimals under a dollar (LLM requests cost fractions of a cent), two above. */
export function formatUSD(usd: number): string {
  if (!Number.isFinite(usd)) return '-';
  return Math.abs(usd) >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

/** A 0–1 ratio as a percentage with one decimal. */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '-';
  return `${(ratio * 100).toFixed(1)}%`;
}
