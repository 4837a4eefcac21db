import { Module } from '@nestjs/common';
import { MemberContactsService } from './member-contacts.service.js';
import { MembersController } from './members.controller.js';
import { MembersRepository } from './members.repository.js';
import { MembersService } from './members.service.js';
import { StaffMembersController } from './staff-members.controller.js';
import { StaffMembersService } from './staff-members.service.js';

@Module({
  controllers: [MembersController, StaffMembersController],
  providers: [MembersRepository, MembersService, StaffMembersService, MemberContactsService],
  exports: [MembersService, MemberContactsService],
})
export class MembersModule {}
