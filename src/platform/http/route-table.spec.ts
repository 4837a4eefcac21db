import { All, Controller, Get } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { Member, Public } from '../auth/route-class.decorator.js';
import { describeRoutes } from './route-table.js';

describe('describeRoutes', () => {
  it('describes each route with its path in OpenAPI form and its class', () => {
    @Member()
    @Controller('shifts')
    class ShiftsFixture {
      @Get(':id')
      one() {}
    }
    expect(describeRoutes([ShiftsFixture])).toEqual([
      expect.objectContaining({ method: 'get', path: '/shifts/{id}', routeClass: 'member' }),
    ]);
  });

  it('refuses a route whose method it cannot describe, which would go unchecked', () => {
    @Public()
    @Controller('anything')
    class AnyMethodFixture {
      @All()
      any() {}
    }
    expect(() => describeRoutes([AnyMethodFixture])).toThrow(
      'AnyMethodFixture.any uses ALL, which the route table does not describe',
    );
  });
});
