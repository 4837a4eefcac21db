import { Controller, Get } from '@nestjs/common';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator.js';
import type { Principal } from '../../platform/auth/principal.js';
import { Member } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { MeResponse } from './members.dto.js';
import { MembersService } from './members.service.js';

@Controller('me')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Member()
  @ApiDoc({
    summary: 'My profile, with personal data masked',
    description:
      'Role, status and masked email and phone; created at the first confirmed sign-in. 404 member_not_found before it exists.',
    tags: ['members'],
    responses: { 200: { description: 'The profile', schema: MeResponse } },
    problems: [404],
  })
  getMe(@CurrentPrincipal() principal: Principal): Promise<MeResponse> {
    return this.members.getMe(principal);
  }
}
