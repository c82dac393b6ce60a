/**
 * Shape of the per-domain fragment tables. Stories and achievements are past-tense verb phrases
 * ("led a GDPR programme ...") so the same fragment reads right in first person ("I led ...") and third
 * person ("Amara led ..."); offers are noun phrases that follow "happy to help with".
 */
export interface Specialty {
  /** Headline focus, e.g. "Health informatics". */
  focus: string[];
  skills: string[];
  /** The distinctive experience a mentee would search for; one is told per mentor. */
  stories: string[];
  offers: string[];
  /** Stories about e.g. maternity leave are only told by mentors of that gender. */
  gender?: 'female' | 'male';
}

export interface Domain {
  id: string;
  label: string;
  /** Relative share of mentors. */
  weight: number;
  /** Used in "{years} years in {field}". */
  fields: string[];
  /** Job titles, lower case unless a proper noun or acronym. */
  roles: string[];
  /** Employers with their article: "a teaching hospital". */
  orgs: string[];
  skills: string[];
  achievements: string[];
  offers: string[];
  specialties: Specialty[];
  /** Careers that rarely start before a certain seniority (e.g. CFO) narrow this. */
  years?: [number, number];
}
