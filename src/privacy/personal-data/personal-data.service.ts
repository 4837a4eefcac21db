import { Inject, Injectable } from '@nestjs/common';
import { FieldCipher } from '../crypto/field-cipher.js';
import { type BlindIndexer, PersonalDataCodec } from './codec.js';
import type { PersonalDataPolicy } from './policy.js';

export const BLIND_INDEXER = Symbol('BLIND_INDEXER');

/** Hands each repository the codec of its document type (one per policy, shared). */
@Injectable()
export class PersonalData {
  private readonly codecs = new Map<PersonalDataPolicy, PersonalDataCodec<string>>();

  constructor(
    private readonly cipher: FieldCipher,
    @Inject(BLIND_INDEXER) private readonly index: BlindIndexer,
  ) {}

  codec<F extends string>(policy: PersonalDataPolicy<F>): PersonalDataCodec<F> {
    let codec = this.codecs.get(policy);
    if (!codec) {
      codec = new PersonalDataCodec<string>(policy, this.cipher, this.index);
      this.codecs.set(policy, codec);
    }
    return codec as PersonalDataCodec<F>;
  }
}
