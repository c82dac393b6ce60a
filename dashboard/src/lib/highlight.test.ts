import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import HighlightedText from './components/highlighted-text.svelte';
import { highlightSegments } from './highlight.js';

const marked = (text: string, ranges: { start: number; end: number }[], offset = 0) =>
  highlightSegments(text, ranges, offset)
    .filter((s) => s.marked)
    .map((s) => s.text);

describe('highlightSegments', () => {
  it('marks the ranges and keeps every character once, in order', () => {
    const text = 'Led GDPR audits for Kubernetes teams';
    const segments = highlightSegments(text, [
      { start: 4, end: 8 },
      { start: 20, end: 30 },
    ]);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.filter((s) => s.marked).map((s) => s.text)).toEqual(['GDPR', 'Kubernetes']);
  });

  it('merges overlapping and touching ranges, whatever their order', () => {
    expect(
      marked('abcdefghij', [
        { start: 5, end: 8 },
        { start: 1, end: 4 },
        { start: 3, end: 6 },
      ]),
    ).toEqual(['bcdefgh']);
    expect(
      marked('abcdefghij', [
        { start: 1, end: 3 },
        { start: 3, end: 5 },
      ]),
    ).toEqual(['bcde']);
  });

  it('shifts ranges given in the coordinates of the whole bio', () => {
    const bio = 'Intro sentence. Negotiated salaries for 40 offers.';
    const start = bio.indexOf('Negotiated');
    const passage = bio.slice(start);
    const term = bio.indexOf('salaries');
    expect(marked(passage, [{ start: term, end: term + 8 }], start)).toEqual(['salaries']);
  });

  it('clips ranges that stick out and ignores ones outside, empty, inverted or not numbers', () => {
    expect(
      marked('hello world', [
        { start: -3, end: 2 },
        { start: 9, end: 50 },
      ]),
    ).toEqual(['he', 'ld']);
    expect(
      highlightSegments('hello', [
        { start: 10, end: 12 },
        { start: 3, end: 3 },
        { start: 4, end: 1 },
        { start: Number.NaN, end: 2 },
      ]),
    ).toEqual([{ text: 'hello', marked: false }]);
  });

  it('returns one empty plain segment for empty text', () => {
    expect(highlightSegments('', [{ start: 0, end: 4 }])).toEqual([{ text: '', marked: false }]);
  });
});

describe('HighlightedText', () => {
  it('renders <mark> elements for the highlighted terms only', () => {
    const { container } = render(HighlightedText, {
      text: 'Coached ML engineers on machine learning ops',
      ranges: [
        { start: 108, end: 110 },
        { start: 124, end: 140 },
      ],
      offset: 100,
    });
    expect([...container.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['ML', 'machine learning']);
    expect(container.textContent).toBe('Coached ML engineers on machine learning ops');
  });
});
