import { Body, Controller, Get, Param, Post, Query, Redirect } from '@nestjs/common';
import { Public } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { IdentityVerificationService } from './identity-verification.service.js';
import { ProviderCallbackFieldsDto, ProviderCallbackParamsDto } from './workers.dto.js';

const DOC = {
  summary: "The identity provider's return (browser), then on to the app",
  description:
    'NICE (GET query, or POST form) and Danal (POST form with the TID) send the browser here. ' +
    "The state in the path is the one the start made (usable once, for the session's lifetime). " +
    "Redirects (303) to the app's returnUrl with only `result`: `verified` or a stable error " +
    'code (`identity_verification_failed`, `identity_already_used`, `identity_session_expired`, ' +
    '`provider_bad_response`, …). An unknown or used state is 409 `identity_session_unknown`.',
  tags: ['workers'],
  responses: { 303: { description: "To the app's returnUrl with `result`" } },
  problems: [409, 503],
};

/** The providers' return to us: public (the browser comes from the provider, with no token). */
@Controller('identity-verifications/callback')
@Public()
export class IdentityCallbackController {
  constructor(private readonly identity: IdentityVerificationService) {}

  @Get(':state')
  @Redirect()
  @ApiDoc(DOC)
  async returnedByGet(
    @Param() params: ProviderCallbackParamsDto,
    @Query() query: ProviderCallbackFieldsDto,
  ): Promise<{ url: string; statusCode: number }> {
    const { location } = await this.identity.callback(params.state, query);
    return { url: location, statusCode: 303 };
  }

  @Post(':state')
  @Redirect()
  @ApiDoc(DOC)
  async returnedByPost(
    @Param() params: ProviderCallbackParamsDto,
    @Body() body: ProviderCallbackFieldsDto,
  ): Promise<{ url: string; statusCode: number }> {
    const { location } = await this.identity.callback(params.state, body);
    return { url: location, statusCode: 303 };
  }
}
