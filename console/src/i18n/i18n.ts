import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.js';
import { ko } from './ko.js';

/** Korean first and by default; English second. */
export const LANGUAGES = [
  { value: 'ko', label: '한국어' },
  { value: 'en', label: 'English' },
] as const;
export type Language = (typeof LANGUAGES)[number]['value'];

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: typeof ko };
  }
}

/** The operator's choice of language: a preference, nothing secret. */
const STORAGE_KEY = 'workmatch.console.language';

function storedLanguage(): Language {
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'ko';
}

export function initI18n(): void {
  const lng = storedLanguage();
  document.documentElement.lang = lng;
  void i18n.use(initReactI18next).init({
    resources: { ko: { translation: ko }, en: { translation: en } },
    lng,
    fallbackLng: 'ko',
    initAsync: false,
    // React escapes what it renders.
    interpolation: { escapeValue: false },
  });
}

export function setLanguage(lng: Language): void {
  localStorage.setItem(STORAGE_KEY, lng);
  document.documentElement.lang = lng;
  void i18n.changeLanguage(lng);
}

export function currentLanguage(): Language {
  return i18n.resolvedLanguage === 'en' ? 'en' : 'ko';
}
