/**
 * What may be uploaded, by what the file is for: a closed catalogue, so a kind is always one of
 * these and its rules are a code change reviewed like any other. Documents (보건증, 자격증,
 * 사업자등록증) arrive as a scan or a phone photo; the profile photo only as a picture.
 */
export const FILE_KINDS = [
  'health_certificate',
  'qualification_certificate',
  'profile_photo',
  'business_registration',
] as const;

export type FileKind = (typeof FILE_KINDS)[number];

/** Every content type some kind accepts; inspection recognises no other. */
export type AcceptedContentType = 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/webp';

export interface FileKindRule {
  /** Korean name shown to people (the upload screen, the staff console). */
  label: string;
  contentTypes: readonly AcceptedContentType[];
  /** Inclusive: a file of exactly this many bytes passes. */
  maxBytes: number;
}

const MIB = 1024 * 1024;
const DOCUMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

export const FILE_KIND_RULES: Readonly<Record<FileKind, Readonly<FileKindRule>>> = {
  health_certificate: {
    label: '보건증 (건강진단결과서)',
    contentTypes: DOCUMENT_TYPES,
    maxBytes: 10 * MIB,
  },
  qualification_certificate: {
    label: '자격증',
    contentTypes: DOCUMENT_TYPES,
    maxBytes: 10 * MIB,
  },
  profile_photo: { label: '프로필 사진', contentTypes: PHOTO_TYPES, maxBytes: 5 * MIB },
  business_registration: {
    label: '사업자등록증',
    contentTypes: DOCUMENT_TYPES,
    maxBytes: 10 * MIB,
  },
};

/** The extension a stored object is named with, one per accepted type. */
export const EXTENSIONS: Readonly<Record<AcceptedContentType, string>> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};
