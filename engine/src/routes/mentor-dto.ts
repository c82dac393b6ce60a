import type { Mentor } from '../domain/mentor.js';
import type { MentorDto } from './schemas.js';

export function toMentorDto(m: Mentor): MentorDto {
  return {
    id: m.externalId,
    name: m.name,
    headline: m.headline,
    bio: m.bio,
    skills: m.skills,
    languages: m.languages,
    timezone: m.timezone,
    location: m.location,
    yearsExperience: m.yearsExperience,
    capacityPerMonth: m.capacityPerMonth,
    active: m.active,
    createdAt: new Date(m.createdAt).toISOString(),
    updatedAt: new Date(m.updatedAt).toISOString(),
  };
}
