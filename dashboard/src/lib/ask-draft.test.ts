import { beforeEach, describe, expect, it } from 'vitest';
import { keepAskDraft, takeAskDraft } from './ask-draft.js';

describe('the Ask draft kept across signing in', () => {
  beforeEach(() => sessionStorage.clear());

  it('comes back once, as it was kept', () => {
    const draft = { text: 'How do I negotiate my first salary?', languages: 'en, es', timezone: 'Europe/Madrid' };
    keepAskDraft(draft);
    expect(takeAskDraft()).toEqual(draft);
    expect(takeAskDraft()).toBeNull();
  });

  it('is nothing when none was kept or what is stored is not a draft', () => {
    expect(takeAskDraft()).toBeNull();
    sessionStorage.setItem('mentormatch.askDraft', '{"text": 42}');
    expect(takeAskDraft()).toBeNull();
    sessionStorage.setItem('mentormatch.askDraft', 'not json');
    expect(takeAskDraft()).toBeNull();
  });
});
