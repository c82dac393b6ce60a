/**
 * Sentence frames shared by all domains. Slots come from the per-mentor context:
 * {N} subject at the start of a bio ("I" or the first name), {I}/{i} subject pronoun, {my}, {me},
 * verb endings {am} {have} {s} {es}, and the mentor's {a_role}, {org}, {field}, {years}.
 */

export const INTROS = [
  '{N} {am} {a_role} at {org} with {years} in {field}.',
  '{N} {have} spent {years} in {field} and currently work{s} as {a_role} at {org}.',
  '{N} work{s} as {a_role} at {org}, after {years} in {field}.',
  '{years} into a career in {field}, {N} {am} now {a_role} at {org}.',
  'Currently {a_role} at {org}, with {years} in {field} behind {me}.',
  '{N} {am} {a_role}. {My} {years} in {field} include a long stretch at {org}.',
];

/** Frames for a past-tense verb phrase ({story}). */
export const STORY_FRAMES = [
  '{I} {story}.',
  'Along the way, {i} {story}.',
  'Most recently, {i} {story}.',
  'The experience {i} draw{s} on most: {i} {story}.',
  'A few years ago {i} {story}.',
  'One thing {i} {am} proud of is that {i} {story}.',
];

export const ACHIEVEMENT_FRAMES = [
  '{I} also {story}.',
  '{I} {story}.',
  'Before that, {i} {story}.',
  'In an earlier role {i} {story}.',
];

/** {o1} {o2} {o3} are offer noun phrases. */
export const OFFER_FRAMES = [
  '{I} {am} happy to help with {o1} and {o2}.',
  'Ask {me} about {o1}, {o2} or {o3}.',
  '{I} mentor{s} people on {o1} and {o2}.',
  'Good topics for a call with {me}: {o1}, {o2}, and {o3}.',
  'If you are working through {o1}, {i} would love to talk; {o2} too.',
  'Mentees usually come to {me} for {o1} or {o2}.',
];

export const CLOSERS = [
  '{I} mentor{s} because someone once did the same for {me}.',
  'Calls are relaxed and practical; bring a concrete question.',
  'Expect honest feedback and a short follow-up note after each session.',
  '{I} {am} direct but kind, and {i} will tell you what {i} would do in your place.',
  'No question is too basic.',
  '{I} especially like working with people early in their careers.',
];

export const HOBBIES = [
  'run{s} half marathons',
  'coach{es} a youth football team',
  'bake{s} sourdough',
  'play{s} in a jazz band',
  'volunteer{s} at a food bank',
  'go{es} bouldering twice a week',
  'grow{s} vegetables on an allotment',
  'write{s} short fiction',
  'sing{s} in a community choir',
  'restore{s} old bicycles',
  'play{s} chess online',
  'swim{s} in the sea all year round',
  'paint{s} watercolours',
  'hike{s} with {my} dog',
];

/** Life experiences outside the mentor's domain; kept off the themes the labelled questions target. */
export const TRAITS = [
  'was the first in {my} family to go to university',
  'was diagnosed with ADHD as an adult and built routines that work for {me}',
  'moved countries for work {#2-3} times',
  'changed direction once already, in {my} late twenties',
  'volunteered as a mentor with a youth charity for {#3-8} years',
  'taught evening classes at a community college',
  'grew up bilingual and still switches languages mid-sentence',
  'worked {my} way through university in a call centre',
];

export const HEADLINES = [
  '{Role} · {focus}',
  '{Role} | {focus} | {yrs}+ years',
  '{focus} — {Role}',
  '{Role}, {field}',
  '{Role} helping people with {offer}',
];

export const TRANSFERABLE_SKILLS = [
  'Mentoring',
  'Coaching',
  'Public speaking',
  'Writing',
  'Project management',
  'Facilitation',
  'Remote work',
  'Time management',
];
