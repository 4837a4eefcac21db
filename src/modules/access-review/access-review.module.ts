import { Module } from '@nestjs/common';
import { AccessReviewController } from './access-review.controller.js';

/** The access records' review routes (the privacy layer keeps the records). */
@Module({ controllers: [AccessReviewController] })
export class AccessReviewModule {}
