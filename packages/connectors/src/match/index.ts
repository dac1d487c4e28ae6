export { LibraryMatcher, DURATION_TOLERANCE_S, FUZZY, type MatcherOptions } from './matcher.js';
export { MatchOverrides, parseOverrides, readOverrides, type MatchOverride } from './overrides.js';
export { editSimilarity } from './similarity.js';
export { MATCH_TIERS, type LibraryCandidate, type TrackQuery, type MatchTier, type MatchOutcome, type Matched, type Unmatched, type UnmatchedReason } from './types.js';
